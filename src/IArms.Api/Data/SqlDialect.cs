using System.Text.Json;

namespace IArms.Api.Data;

/// <summary>
/// What differs between the engines IArms runs on, asked for inside a <see cref="Sql"/> statement's text.
/// Everything else is written once, in the SQL both engines share.
/// </summary>
public interface ISqlDialect
{
    DatabaseProvider Provider { get; }

    /// <summary>At most <paramref name="count"/> rows: goes right after <c>SELECT</c> (empty where <see cref="Limit"/> does it).</summary>
    string Top(string count);

    /// <summary>At most <paramref name="count"/> rows: goes at the end of the statement (empty where <see cref="Top"/> does it).</summary>
    string Limit(string count);

    /// <summary>At the very end of a query whose best plan depends on which optional filters are given.</summary>
    string Recompile { get; }

    /// <summary><c>{insert} {values}</c> that answers the new row's <c>id</c>.</summary>
    string InsertReturningId(string insert, string values);

    /// <summary><c>{insert} {values}</c> into a table with a row version, answering <c>Id</c> and <c>Version</c>.</summary>
    string InsertReturningIdAndVersion(string insert, string values);

    /// <summary>
    /// <c>UPDATE {table} {set} WHERE {where}</c> on the row whose <c>id</c> is <paramref name="idParameter"/>, in a table
    /// with a row version, answering its new <c>Version</c> (no row when nothing matched).
    /// </summary>
    string UpdateReturningVersion(string table, string set, string where, string idParameter);

    /// <summary>
    /// <c>UPDATE</c> of <paramref name="table"/> (as <paramref name="alias"/>) joined to <paramref name="source"/> (a table or
    /// CTE name) on <paramref name="on"/>, setting <paramref name="set"/>: the engines spell the join differently.
    /// </summary>
    string UpdateFrom(string table, string alias, string source, string on, string set);

    /// <summary>An <c>INSERT</c> into <paramref name="table"/> that gives the identity column its value (seed data with stable ids).</summary>
    string WithExplicitIds(string table, string insert);

    /// <summary>The row version of <paramref name="alias"/> as a number.</summary>
    string RowVersion(string alias);

    /// <summary>A condition: the row version of <paramref name="alias"/> equals the number in <paramref name="parameter"/>.</summary>
    string RowVersionIs(string alias, string parameter);

    /// <summary>The numbers of a JSON array parameter (see <see cref="SqlList"/>), as a subquery for <c>IN</c>.</summary>
    string IdList(string parameter);

    /// <summary>The strings of a JSON array parameter (see <see cref="SqlList"/>), as a subquery for <c>IN</c>.</summary>
    string TextList(string parameter);

    /// <summary>
    /// The numbers of a JSON array parameter (see <see cref="SqlList"/>) as a table source of one column, <c>value</c>,
    /// to be given an alias: an <c>INSERT ... SELECT</c> of many rows in one statement.
    /// </summary>
    string IdRows(string parameter);

    /// <summary>
    /// The number pairs of a JSON array of two-number arrays (<c>[[1,2],[3,4]]</c>, see <see cref="SqlList"/>) as a table
    /// source of two columns, <c>pair_first</c> and <c>pair_second</c>, to be given an alias: an <c>INSERT ... SELECT</c> of
    /// many two-column rows in one statement, in the array's order.
    /// </summary>
    string PairRows(string parameter);

    /// <summary><c>{table} {alias}</c> read through index <paramref name="index"/>.</summary>
    string WithIndex(string table, string alias, string index);

    /// <summary>
    /// A table hint that holds what was read until commit and queues other writers behind it: a check-then-insert
    /// then cannot race. Empty on engines whose write transactions already exclude each other.
    /// </summary>
    string LockForWrite { get; }

    /// <summary>Lock contention or a timeout: the transaction was rolled back and a retry can succeed.</summary>
    bool IsTransient(Exception e);

    /// <summary>A unique index refused the row.</summary>
    bool IsUniqueViolation(Exception e);
}

/// <summary>Lists are passed one way on every engine: as one JSON array parameter, so a statement's text never depends on a list's length.</summary>
public static class SqlList
{
    public static string Of<T>(IEnumerable<T> values) => JsonSerializer.Serialize(values);
}

public sealed class SqliteDialect : ISqlDialect
{
    public static readonly SqliteDialect Instance = new();

    public DatabaseProvider Provider => DatabaseProvider.Sqlite;

    public string Top(string count) => "";

    public string UpdateFrom(string table, string alias, string source, string on, string set) =>
        $"UPDATE {table} AS {alias} SET {set} FROM {source} WHERE {on}";

    public string Limit(string count) => $"LIMIT {count}";

    public string Recompile => "";

    public string InsertReturningId(string insert, string values) => $"{insert} {values} RETURNING id";

    public string InsertReturningIdAndVersion(string insert, string values) => $"{insert} {values} RETURNING id AS Id, version AS Version";

    // The version is bumped by a trigger (migration 0008), after the row is written, so RETURNING would still
    // show the old one: the new one is read back, only when this statement changed the row.
    public string UpdateReturningVersion(string table, string set, string where, string idParameter) =>
        $"UPDATE {table} {set} WHERE {where}; SELECT version AS Version FROM {table} WHERE id = {idParameter} AND changes() = 1";

    public string WithExplicitIds(string table, string insert) => insert;

    public string RowVersion(string alias) => $"{alias}.version";

    public string RowVersionIs(string alias, string parameter) => $"{Prefix(alias)}version = {parameter}";

    public string IdList(string parameter) => $"(SELECT value FROM json_each({parameter}))";

    public string TextList(string parameter) => $"(SELECT value FROM json_each({parameter}))";

    public string IdRows(string parameter) => $"json_each({parameter})";

    public string PairRows(string parameter) =>
        $"(SELECT json_extract(value, '$[0]') AS pair_first, json_extract(value, '$[1]') AS pair_second FROM json_each({parameter}))";

    public string WithIndex(string table, string alias, string index) => $"{table} {alias} INDEXED BY {index}";

    // A SQLite write transaction begins IMMEDIATE and holds the database's write lock until it ends.
    public string LockForWrite => "";

    public bool IsTransient(Exception e) => e is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 5 or 6 } or TimeoutException; // BUSY, LOCKED

    public bool IsUniqueViolation(Exception e) =>
        e is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };

    private static string Prefix(string alias) => alias.Length == 0 ? "" : alias + ".";
}

/// <summary>
/// T-SQL kept to what SQL Server and SQL Server-compatible engines (Babelfish for PostgreSQL) both run: bare
/// columns in <c>OUTPUT</c>, no <c>MERGE</c>, locking hints rather than <c>SERIALIZABLE</c>.
/// </summary>
public sealed class SqlServerDialect : ISqlDialect
{
    public static readonly SqlServerDialect Instance = new();

    public DatabaseProvider Provider => DatabaseProvider.SqlServer;

    public string Top(string count) => $"TOP ({count})";

    public string UpdateFrom(string table, string alias, string source, string on, string set) =>
        $"UPDATE {alias} SET {set} FROM {table} {alias} JOIN {source} ON {on}";

    public string Limit(string count) => "";

    public string Recompile => "OPTION (RECOMPILE)";

    public string InsertReturningId(string insert, string values) => $"{insert} OUTPUT INSERTED.id {values}";

    public string InsertReturningIdAndVersion(string insert, string values) => $"""
        DECLARE @inserted TABLE (id BIGINT, row_version BINARY(8));
        {insert} OUTPUT INSERTED.id, INSERTED.row_version INTO @inserted {values};
        SELECT id AS Id, CAST(row_version AS BIGINT) AS Version FROM @inserted;
        """;

    public string UpdateReturningVersion(string table, string set, string where, string idParameter) => $"""
        DECLARE @updated TABLE (row_version BINARY(8));
        UPDATE {table} {set} OUTPUT INSERTED.row_version INTO @updated WHERE {where};
        SELECT CAST(row_version AS BIGINT) AS Version FROM @updated;
        """;

    public string WithExplicitIds(string table, string insert) => $"SET IDENTITY_INSERT {table} ON; {insert}; SET IDENTITY_INSERT {table} OFF;";

    public string RowVersion(string alias) => $"CAST({Prefix(alias)}row_version AS BIGINT)";

    public string RowVersionIs(string alias, string parameter) => $"{Prefix(alias)}row_version = CAST({parameter} AS BINARY(8))";

    public string IdList(string parameter) => $"(SELECT CAST([value] AS BIGINT) FROM OPENJSON({parameter}))";

    public string TextList(string parameter) => $"(SELECT CAST([value] AS NVARCHAR(200)) FROM OPENJSON({parameter}))";

    public string IdRows(string parameter) => $"(SELECT CAST([value] AS BIGINT) AS [value] FROM OPENJSON({parameter}))";

    public string PairRows(string parameter) =>
        $"(SELECT CAST(JSON_VALUE([value], '$[0]') AS BIGINT) AS pair_first, CAST(JSON_VALUE([value], '$[1]') AS BIGINT) AS pair_second FROM OPENJSON({parameter}))";

    public string WithIndex(string table, string alias, string index) => $"{table} {alias} WITH (INDEX ({index}))";

    public string LockForWrite => "WITH (UPDLOCK, HOLDLOCK)";

    public bool IsTransient(Exception e) => e is Microsoft.Data.SqlClient.SqlException { Number: -2 or 1205 } or TimeoutException; // timeout, deadlock victim

    public bool IsUniqueViolation(Exception e) => e is Microsoft.Data.SqlClient.SqlException { Number: 2601 or 2627 };

    private static string Prefix(string alias) => alias.Length == 0 ? "" : alias + ".";
}

public static class SqlDialects
{
    public static ISqlDialect For(DatabaseProvider provider) =>
        provider == DatabaseProvider.SqlServer ? SqlServerDialect.Instance : SqliteDialect.Instance;
}
