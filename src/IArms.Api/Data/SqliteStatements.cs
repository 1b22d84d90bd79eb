using System.Collections.Concurrent;
using System.Data.Common;
using System.Reflection;
using Dapper;
using Microsoft.Data.Sqlite;

namespace IArms.Api.Data;

// The SQLite half of SqlSession's prepared-statement cache. SQLite compiles a statement each time a new command
// runs it, and for the search's SELECTs compiling was a large share of the work: a pooled connection keeps one
// prepared command per statement text, and binds simple parameters itself (lists arrive as one JSON text, so a
// statement's text never changes with its arguments). Anything else goes through Dapper on the same connection.

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
/// for the same types: enums as their number. Types with other properties are left to Dapper (<see cref="CanBind"/>).
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
                    throw new NotSupportedException($"Parameter {p.Name} of type {p.PropertyType.Name} is left to Dapper.");
                }
                return ("@" + p.Name, (Func<object, object?>)p.GetValue);
            })
            .ToArray();
}
