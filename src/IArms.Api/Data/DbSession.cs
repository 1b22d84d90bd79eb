using System.Collections.Concurrent;
using System.Data.Common;
using System.Reflection;
using Dapper;
using Microsoft.Data.Sqlite;

namespace IArms.Api.Data;

/// <summary>
/// A connection for the paths that run on every request (authentication, search, the audit writer),
/// which keeps its prepared statements between uses. SQLite compiles a statement each time a new command
/// runs it, and compiling the search's SELECTs costs more than running them; a session keeps one prepared
/// command per statement on a connection that stays open, and goes back to a small pool when disposed.
/// On SQL Server, which caches plans itself, a session is a pooled connection used through Dapper.
/// Rows are mapped by Dapper in both cases. Parameters are the public properties of <c>args</c>, of
/// simple types (numbers, strings, byte arrays, dates); lists are passed as JSON and opened with
/// <c>json_each</c> / <c>OPENJSON</c>, so that a statement's text never changes with its arguments.
/// </summary>
public abstract class DbSession : IAsyncDisposable
{
    public abstract DbConnection Connection { get; }

    public abstract Task<List<T>> QueryAsync<T>(SqlText sql, object? args, DbTransaction? tx, CancellationToken ct);

    public abstract Task<int> ExecuteAsync(SqlText sql, object? args, DbTransaction? tx, CancellationToken ct);

    public Task<List<T>> QueryAsync<T>(SqlText sql, object? args, CancellationToken ct) => QueryAsync<T>(sql, args, null, ct);

    public async Task<T?> QueryFirstOrDefaultAsync<T>(SqlText sql, object? args, CancellationToken ct) =>
        (await QueryAsync<T>(sql, args, null, ct)) is [var first, ..] ? first : default;

    public abstract ValueTask DisposeAsync();
}

/// <summary>A session on SQL Server: the pooled connection, with Dapper.</summary>
internal sealed class DapperSession(DbConnection connection, DatabaseProvider provider) : DbSession
{
    public override DbConnection Connection => connection;

    public override async Task<List<T>> QueryAsync<T>(SqlText sql, object? args, DbTransaction? tx, CancellationToken ct) =>
        (await connection.QueryAsync<T>(new CommandDefinition(sql.For(provider), args, tx, cancellationToken: ct))).AsList();

    public override Task<int> ExecuteAsync(SqlText sql, object? args, DbTransaction? tx, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(sql.For(provider), args, tx, cancellationToken: ct));

    public override ValueTask DisposeAsync() => connection.DisposeAsync();
}

/// <summary>
/// A session on SQLite: an open connection with one prepared command per statement. A session whose
/// command failed, or that is disposed inside a transaction, is closed rather than reused.
/// </summary>
internal sealed class SqliteSession(SqliteConnection connection, SqliteSessionPool pool) : DbSession
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private bool _broken;

    public override DbConnection Connection => connection;

    public override Task<List<T>> QueryAsync<T>(SqlText sql, object? args, DbTransaction? tx, CancellationToken ct)
    {
        // SQLite runs synchronously; the Task is only the shape the callers share with SQL Server.
        return Run(() =>
        {
            using var reader = Prepare(sql, args, tx).ExecuteReader();
            var rows = new List<T>();
            if (reader.Read())
            {
                var parse = reader.GetRowParser<T>();
                do
                {
                    rows.Add(parse(reader));
                }
                while (reader.Read());
            }
            return rows;
        }, ct);
    }

    public override Task<int> ExecuteAsync(SqlText sql, object? args, DbTransaction? tx, CancellationToken ct)
    {
        return Run(() => Prepare(sql, args, tx).ExecuteNonQuery(), ct);
    }

    private Task<TResult> Run<TResult>(Func<TResult> statement, CancellationToken ct)
    {
        if (ct.IsCancellationRequested)
        {
            return Task.FromCanceled<TResult>(ct);
        }
        try
        {
            return Task.FromResult(statement());
        }
        catch (Exception e)
        {
            _broken = true;
            return Task.FromException<TResult>(e);
        }
    }

    private SqliteCommand Prepare(SqlText sql, object? args, DbTransaction? tx)
    {
        if (!_commands.TryGetValue(sql.Sqlite, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql.Sqlite;
            _commands.Add(sql.Sqlite, command);
        }
        command.Transaction = (SqliteTransaction?)tx;
        SessionParameters.Bind(command, args);
        return command;
    }

    public override ValueTask DisposeAsync()
    {
        // Reused only when healthy and outside any transaction (a failed rollback could leave one open).
        if (_broken || connection.State != System.Data.ConnectionState.Open
            || SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) == 0 || !pool.Return(this))
        {
            Close();
        }
        return ValueTask.CompletedTask;
    }

    internal void Close()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }
        _commands.Clear();
        connection.Dispose();
    }
}

/// <summary>The idle SQLite sessions, at most <see cref="MaxIdle"/> kept open.</summary>
internal sealed class SqliteSessionPool : IDisposable
{
    private const int MaxIdle = 32;
    private readonly ConcurrentBag<SqliteSession> _idle = [];
    private int _count;
    private bool _disposed;

    public SqliteSession? Take()
    {
        if (_idle.TryTake(out var session))
        {
            Interlocked.Decrement(ref _count);
            return session;
        }
        return null;
    }

    /// <summary>Keeps the session for reuse; false when it should be closed instead.</summary>
    public bool Return(SqliteSession session)
    {
        if (Volatile.Read(ref _disposed) || Interlocked.Increment(ref _count) > MaxIdle)
        {
            Interlocked.Decrement(ref _count);
            return false;
        }
        _idle.Add(session);
        return true;
    }

    public void Dispose()
    {
        Volatile.Write(ref _disposed, true);
        while (Take() is { } session)
        {
            session.Close();
        }
    }
}

/// <summary>Binds the public properties of an argument object to a command's parameters, by name.</summary>
internal static class SessionParameters
{
    private static readonly ConcurrentDictionary<Type, (string Name, Func<object, object?> Get)[]> Accessors = new();

    public static void Bind(SqliteCommand command, object? args)
    {
        var accessors = args is null ? [] : Accessors.GetOrAdd(args.GetType(), Describe);
        var parameters = command.Parameters;
        if (parameters.Count != accessors.Length || !SameNames(parameters, accessors))
        {
            parameters.Clear();
            foreach (var (name, _) in accessors)
            {
                parameters.Add(new SqliteParameter { ParameterName = name });
            }
        }
        for (var i = 0; i < accessors.Length; i++)
        {
            parameters[i].Value = accessors[i].Get(args!) ?? DBNull.Value;
        }
    }

    private static bool SameNames(SqliteParameterCollection parameters, (string Name, Func<object, object?> Get)[] accessors)
    {
        for (var i = 0; i < accessors.Length; i++)
        {
            if (!string.Equals(parameters[i].ParameterName, accessors[i].Name, StringComparison.Ordinal))
            {
                return false;
            }
        }
        return true;
    }

    private static (string, Func<object, object?>)[] Describe(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetIndexParameters().Length == 0)
            .Select(p =>
            {
                var kind = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
                if (!(kind.IsPrimitive || kind == typeof(string) || kind == typeof(byte[]) || kind == typeof(decimal)
                      || kind == typeof(DateTimeOffset) || kind == typeof(DateTime) || kind == typeof(DateOnly)))
                {
                    throw new NotSupportedException($"Parameter {p.Name} of type {p.PropertyType.Name} cannot be bound by a session; pass lists as JSON.");
                }
                return ("@" + p.Name, (Func<object, object?>)p.GetValue);
            })
            .ToArray();
}
