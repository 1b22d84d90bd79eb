namespace IArms.Api.Data;

/// <summary>
/// One SQL statement in the two dialects IArms speaks. Features declare their SQL as
/// <c>static readonly SqlText</c> fields next to the code that runs it; the test suite finds every
/// such field by reflection and parses the T-SQL text with ScriptDom, since no SQL Server runs here.
/// </summary>
public sealed record SqlText(string Sqlite, string SqlServer)
{
    /// <summary>A statement written in the common subset of both dialects.</summary>
    public static SqlText Same(string sql) => new(sql, sql);

    public string For(DatabaseProvider provider) => provider == DatabaseProvider.SqlServer ? SqlServer : Sqlite;
}
