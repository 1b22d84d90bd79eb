namespace IArms.Api.Data;

/// <summary>
/// One SQL statement, written once. What differs between engines (paging, returning ids, row versions,
/// lists, index and locking hints) is asked of the <see cref="ISqlDialect"/> inside the text, so a
/// statement reads as one piece of SQL and a new engine touches only its dialect. Each text is rendered
/// once per dialect and kept. Features declare their statements as <c>static readonly Sql</c> fields in
/// their <c>Queries</c> class; the test suite finds every such field by reflection and checks its T-SQL.
/// </summary>
public sealed class Sql
{
    private readonly Func<ISqlDialect, string> _render;
    private readonly string?[] _rendered = new string?[Enum.GetValues<DatabaseProvider>().Length];
    private string? _name;

    /// <summary>A statement that is the same on every engine.</summary>
    public Sql(string text) => _render = _ => text;

    /// <summary>A statement with parts that depend on the engine, e.g. <c>d =&gt; $"SELECT {d.Top("@n")} ..."</c>.</summary>
    public Sql(Func<ISqlDialect, string> render) => _render = render;

    /// <summary>
    /// The statement's name in traces: its <c>Queries</c> class and field (<c>SearchQueries.ByCanonical</c>), found once
    /// by reflection, so that a statement is named where it is declared and nothing else is written twice.
    /// </summary>
    public string Name => _name ??= SqlNames.Of(this);

    /// <summary>The text for <paramref name="dialect"/>, rendered on first use.</summary>
    public string For(ISqlDialect dialect)
    {
        var slot = (int)dialect.Provider;
        return _rendered[slot] ??= _render(dialect);
    }
}

/// <summary>The names of the statements declared as static fields, read once from the assembly.</summary>
internal static class SqlNames
{
    private static readonly Lazy<Dictionary<Sql, string>> Names = new(Find);

    public static string Of(Sql sql) => Names.Value.GetValueOrDefault(sql, "sql");

    private static Dictionary<Sql, string> Find()
    {
        var names = new Dictionary<Sql, string>(ReferenceEqualityComparer.Instance);
        foreach (var type in typeof(Sql).Assembly.GetTypes().Where(t => !t.ContainsGenericParameters))
        {
            foreach (var field in type.GetFields(System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.NonPublic))
            {
                if (field.FieldType == typeof(Sql) && field.GetValue(null) is Sql sql)
                {
                    names.TryAdd(sql, $"{type.Name}.{field.Name}");
                }
            }
        }
        return names;
    }
}
