using System.Reflection;
using IArms.Api.Analysis;
using IArms.Api.Data;
using IArms.Api.Tests.Infrastructure;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace IArms.Api.Tests.Data;

/// <summary>
/// No SQL Server runs on the build machines, so every T-SQL text the service can send is parsed with
/// SQL Server's own parser: the migration scripts and every statement in the code, as the SQL Server dialect renders it.
/// </summary>
public class SqlServerDialectTests
{
    public static IEnumerable<string> MigrationPaths() =>
        Directory.GetFiles(RepoPaths.Combine("src", "IArms.Api", "Data", "Migrations", "SqlServer"), "*.sql").Order();

    private static IEnumerable<TestCaseData> Migrations() =>
        MigrationPaths().Select(f => new TestCaseData(f).SetName($"Migration {Path.GetFileName(f)} parses as T-SQL"));

    /// <summary>Every T-SQL statement text of the service, named for the test it appears in.</summary>
    public static IEnumerable<(string Name, string Sql)> SqlServerStatements() => Statements();

    /// <summary>
    /// Every statement of the service as SQL Server would receive it: each <see cref="Sql"/> field (and array of them)
    /// rendered through the SQL Server dialect, found by reflection.
    /// </summary>
    private static IEnumerable<(string Name, string Sql)> Statements() =>
        typeof(Sql).Assembly.GetTypes()
            .SelectMany(t => t.GetFields(BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic))
            .SelectMany(f => f.FieldType == typeof(Sql)
                ? [($"{f.DeclaringType!.Name}.{f.Name}", ((Sql)f.GetValue(null)!).For(SqlServerDialect.Instance))]
                : f.FieldType == typeof(Sql[])
                    ? ((Sql[])f.GetValue(null)!).Select((sql, i) => ($"{f.DeclaringType!.Name}.{f.Name}[{i}]", sql.For(SqlServerDialect.Instance)))
                    : []);

    private static IEnumerable<TestCaseData> StatementCases() =>
        Statements().Select(s => new TestCaseData(s.Name, s.Sql).SetName($"{s.Name} parses as T-SQL"));

    /// <summary>Dapper expands <c>IN @list</c> into <c>IN (@list1, @list2, ...)</c> before SQL Server sees it.</summary>
    public static string ExpandLists(string sql) =>
        System.Text.RegularExpressions.Regex.Replace(sql, @"\bIN\s+(@\w+)", "IN ($1)", System.Text.RegularExpressions.RegexOptions.IgnoreCase);

    private static IList<ParseError> Parse(string sql)
    {
        sql = ExpandLists(sql);
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(sql);
        parser.Parse(reader, out var errors);
        return errors;
    }

    [TestCaseSource(nameof(Migrations))]
    public void MigrationParses(string path)
    {
        var errors = Parse(File.ReadAllText(path));
        Assert.That(errors.Select(e => $"line {e.Line}: {e.Message}"), Is.Empty);
    }

    [TestCaseSource(nameof(StatementCases))]
    public void StatementParses(string name, string sql)
    {
        var errors = Parse(sql);
        Assert.That(errors.Select(e => $"line {e.Line}: {e.Message}"), Is.Empty, sql);
    }

    [Test]
    public void TheCodeHoldsSqlStatementsToCheck()
    {
        Assert.That(Statements().Count(), Is.GreaterThan(15));
    }

    [Test]
    public void EveryProviderHasTheSameMigrations()
    {
        static string[] Names(string provider) => Directory
            .GetFiles(RepoPaths.Combine("src", "IArms.Api", "Data", "Migrations", provider), "*.sql")
            .Select(Path.GetFileName).Order().ToArray()!;
        Assert.That(Names("SqlServer"), Is.EqualTo(Names("Sqlite")));
    }

    [Test]
    public void TheSerialShapeNeighbourReadsOfTheUpkeepLockTheirRangeOnSqlServerOnly()
    {
        // Under read-committed snapshot, two writers inserting next to each other would each miss the other's shape.
        Sql[] reads = [AnalysisQueries.SelectShapeBefore, AnalysisQueries.SelectShapeAfter, AnalysisQueries.SelectRunAt];
        Assert.Multiple(() =>
        {
            foreach (var read in reads)
            {
                Assert.That(read.For(SqlServerDialect.Instance), Does.Contain("WITH (UPDLOCK, HOLDLOCK)"), read.Name);
                Assert.That(read.For(SqliteDialect.Instance), Does.Not.Contain("LOCK"), read.Name);
            }
        });
    }

    [Test]
    public void TheParserRejectsBrokenTSql()
    {
        // Guards the guard: a parser that accepted anything would make the tests above meaningless.
        Assert.That(Parse("SELECT TOP 5 FROM WHERE"), Is.Not.Empty);
        Assert.That(Parse("SELECT 1 LIMIT 5"), Is.Not.Empty);
    }
}
