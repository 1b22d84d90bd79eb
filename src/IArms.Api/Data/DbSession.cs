using System.Collections.Concurrent;
using System.Data.Common;
using System.Reflection;
using Dapper;
using Microsoft.Data.Sqlite;

namespace IArms.Api.Data;

/// <summary>
/// A connection for the paths that run on every request (authentication, search, the audit writer),
/// which keeps its prepared statements between uses. SQLite compiles a statement each time a new command
/// runs it, and for the search's SELECTs compiling was a large share of the work (keeping them prepared
/// raised exact-search throughput by a third; see docs/benchmarks.md); a session keeps one prepared
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
/// A session on SQLite: a lease on a <see cref="SqliteStatements"/> (an open connection and its prepared
/// commands) from the pool. Disposing the lease gives the connection back, once; a lease used after that throws.
/// </summary>
internal sealed class SqliteSession(SqliteStatements statements, SqliteSessionPool pool) : DbSession
{
    private SqliteStatements? _statements = statements;

    private SqliteStatements Statements => _statements ?? throw new ObjectDisposedException(nameof(DbSession));

    public override DbConnection Connection => Statements.Connection;

    // SQLite runs synchronously; the Task is only the shape the callers share with SQL Server.
    public override Task<List<T>> QueryAsync<T>(SqlText sql, object? args, DbTransaction? tx, CancellationToken ct) =>
        Run(Statements, s => s.Query<T>(sql.Sqlite, args, tx), ct);

    public override Task<int> ExecuteAsync(SqlText sql, object? args, DbTransaction? tx, CancellationToken ct) =>
        Run(Statements, s => s.Prepare(sql.Sqlite, args, tx).ExecuteNonQuery(), ct);

    private static Task<TResult> Run<TResult>(SqliteStatements statements, Func<SqliteStatements, TResult> statement, CancellationToken ct)
    {
        if (ct.IsCancellationRequested)
        {
            return Task.FromCanceled<TResult>(ct);
        }
        try
        {
            return Task.FromResult(statement(statements));
        }
        catch (Exception e)
        {
            statements.Broken = true;
            return Task.FromException<TResult>(e);
        }
    }

    public override ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _statements, null) is { } statements)
        {
            pool.Return(statements);
        }
        return ValueTask.CompletedTask;
    }
}

/// <summary>An open SQLite connection with one prepared command per statement text.</summary>
internal sealed class SqliteStatements(SqliteConnection connection)
{
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);

    public SqliteConnection Connection => connection;

    /// <summary>A statement failed: the connection is closed rather than reused.</summary>
    public bool Broken { get; set; }

    /// <summary>Fit for reuse: open, healthy, and outside any transaction (a failed rollback could leave one open).</summary>
    public bool Reusable => !Broken && connection.State == System.Data.ConnectionState.Open
        && SQLitePCL.raw.sqlite3_get_autocommit(connection.Handle) != 0;

    public SqliteCommand Prepare(string sql, object? args, DbTransaction? tx)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            _commands.Add(sql, command);
        }
        command.Transaction = (SqliteTransaction?)tx;
        SessionParameters.Bind(command, args);
        return command;
    }

    public List<T> Query<T>(string sql, object? args, DbTransaction? tx)
    {
        using var reader = Prepare(sql, args, tx).ExecuteReader();
        var rows = new List<T>();
        if (!reader.Read())
        {
            return rows;
        }
        var parse = SessionValues.IsSingleValue(typeof(T)) ? SessionValues.Read<T> : reader.GetRowParser<T>();
        do
        {
            rows.Add(parse(reader));
        }
        while (reader.Read());
        return rows;
    }

    public void Close()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }
        _commands.Clear();
        connection.Dispose();
    }
}

/// <summary>
/// The idle SQLite connections of one connection string, at most <see cref="MaxIdle"/> kept open. They stay
/// outside Microsoft.Data.Sqlite's own pool (<c>ClearAllPools</c> does not reach them); disposing the pool,
/// which <see cref="Db"/> does at shutdown, closes them.
/// </summary>
internal sealed class SqliteSessionPool : IDisposable
{
    private const int MaxIdle = 32;
    private readonly Stack<SqliteStatements> _idle = new();
    private bool _disposed;

    public SqliteStatements? Take()
    {
        lock (_idle)
        {
            return _idle.TryPop(out var statements) ? statements : null;
        }
    }

    public void Return(SqliteStatements statements)
    {
        if (statements.Reusable)
        {
            lock (_idle)
            {
                if (!_disposed && _idle.Count < MaxIdle)
                {
                    _idle.Push(statements);
                    return;
                }
            }
        }
        statements.Close();
    }

    public void Dispose()
    {
        List<SqliteStatements> idle;
        lock (_idle)
        {
            _disposed = true;
            idle = [.. _idle];
            _idle.Clear();
        }
        idle.ForEach(s => s.Close());
    }
}

/// <summary>Reads a single-column result as Dapper does: NULL as the default, numbers converted to the asked type.</summary>
internal static class SessionValues
{
    public static bool IsSingleValue(Type type)
    {
        var kind = Nullable.GetUnderlyingType(type) ?? type;
        return kind.IsPrimitive || kind.IsEnum || kind == typeof(string) || kind == typeof(byte[]) || kind == typeof(decimal);
    }

    public static T Read<T>(System.Data.Common.DbDataReader reader)
    {
        var value = reader.GetValue(0);
        if (value is DBNull)
        {
            return default!;
        }
        if (value is T same)
        {
            return same;
        }
        var kind = Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T);
        return (T)(kind.IsEnum
            ? Enum.ToObject(kind, value)
            : Convert.ChangeType(value, kind, System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>
/// Binds the public properties of an argument object to a command's parameters, by name, as Dapper would
/// for the same types: enums as their number. Lists are refused: pass them as JSON.
/// </summary>
internal static class SessionParameters
{
    private static readonly ConcurrentDictionary<Type, (string Name, Func<object, object?> Get)[]> Accessors = new();
    private static readonly ConcurrentDictionary<Type, bool> Bindable = new();

    /// <summary>True when every property of <paramref name="args"/> is of a simple type this binder handles as Dapper would.</summary>
    public static bool CanBind(object? args) => args is null || Bindable.GetOrAdd(args.GetType(), type =>
    {
        try
        {
            Accessors.GetOrAdd(type, Describe);
            return true;
        }
        catch (NotSupportedException)
        {
            return false;
        }
    });

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
                if (kind.IsEnum)
                {
                    var underlying = Enum.GetUnderlyingType(kind);
                    return ("@" + p.Name, (Func<object, object?>)(o => p.GetValue(o) is { } e ? Convert.ChangeType(e, underlying, System.Globalization.CultureInfo.InvariantCulture) : null));
                }
                if (!(kind.IsPrimitive || kind == typeof(string) || kind == typeof(byte[]) || kind == typeof(decimal) || kind == typeof(Guid)
                      || kind == typeof(DateTimeOffset) || kind == typeof(DateTime) || kind == typeof(DateOnly) || kind == typeof(TimeOnly)))
                {
                    throw new NotSupportedException($"Parameter {p.Name} of type {p.PropertyType.Name} cannot be bound by a session; pass lists as JSON.");
                }
                return ("@" + p.Name, (Func<object, object?>)p.GetValue);
            })
            .ToArray();
}
