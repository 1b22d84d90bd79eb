using IArms.Api.Tests.Infrastructure;
using Microsoft.Data.SqlClient;
using Microsoft.SqlServer.TransactSql.ScriptDom;

namespace IArms.Api.Tests.Data;

/// <summary>
/// Keeps every T-SQL statement within what SQL Server and SQL Server-compatible engines (Babelfish for
/// PostgreSQL) both run: ScriptDom proves a text well formed, this walks its tree for the constructs those
/// engines refuse.
/// </summary>
public class PortableTSqlTests
{
    private static IEnumerable<TestCaseData> Scripts() =>
        SqlServerDialectTests.MigrationPaths()
            .Select(f => new TestCaseData(Path.GetFileName(f), File.ReadAllText(f)).SetName($"Migration {Path.GetFileName(f)} is portable T-SQL"))
            .Concat(SqlServerDialectTests.SqlServerStatements()
                .Select(s => new TestCaseData(s.Name, s.Sql).SetName($"{s.Name} is portable T-SQL")));

    [TestCaseSource(nameof(Scripts))]
    public void StatementUsesOnlyPortableConstructs(string name, string sql)
    {
        Assert.That(Unportable(sql), Is.Empty, sql);
    }

    [TestCase("INSERT INTO t (a) OUTPUT CAST(INSERTED.v AS BIGINT) VALUES (1)", "expression over INSERTED/DELETED in OUTPUT")]
    [TestCase("UPDATE t SET a = 1 OUTPUT DELETED.a + 1 INTO @x", "expression over INSERTED/DELETED in OUTPUT")]
    [TestCase("MERGE t USING s ON t.id = s.id WHEN MATCHED THEN UPDATE SET a = s.a;", "MERGE")]
    [TestCase("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE", "isolation level Serializable")]
    [TestCase("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ", "isolation level RepeatableRead")]
    [TestCase("SELECT TOP (10) PERCENT a FROM t", "TOP ... PERCENT")]
    public void TheWalkerFindsEachRefusedConstruct(string sql, string expected)
    {
        // Guards the guard: a walker that found nothing would make the test above meaningless.
        Assert.That(Unportable(sql), Is.EqualTo(new[] { expected }));
    }

    [Test]
    public void TheWalkerAcceptsThePortableForms()
    {
        Assert.That(Unportable("""
            DECLARE @out TABLE (id BIGINT, v BINARY(8));
            INSERT INTO t (a) OUTPUT INSERTED.id, INSERTED.v INTO @out VALUES (1);
            SELECT id, CAST(v AS BIGINT) FROM @out;
            SELECT TOP (5) a FROM t WITH (UPDLOCK, HOLDLOCK);
            SET TRANSACTION ISOLATION LEVEL READ COMMITTED;
            """), Is.Empty);
    }

    [Test]
    public void SqlClientOpensConnectionsInThisBuild()
    {
        // With InvariantGlobalization on, SqlClient throws NotSupportedException before it even dials; a
        // refused connection proves the provider gets as far as the network.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var connection = new SqlConnection($"Server=tcp:127.0.0.1,{port};Connect Timeout=2;Encrypt=false;User ID=x;Password=y");
        Assert.Throws<SqlException>(connection.Open);
    }

    private static List<string> Unportable(string sql)
    {
        var parser = new TSql160Parser(initialQuotedIdentifiers: true);
        using var reader = new StringReader(SqlServerDialectTests.ExpandLists(sql));
        var tree = parser.Parse(reader, out var errors);
        Assert.That(errors, Is.Empty, "the text must parse before it can be walked");
        var walker = new UnportableConstructs();
        tree.Accept(walker);
        return walker.Found;
    }

    private sealed class UnportableConstructs : TSqlFragmentVisitor
    {
        public List<string> Found { get; } = [];

        public override void Visit(OutputClause node) => CheckOutput(node.SelectColumns);

        public override void Visit(OutputIntoClause node) => CheckOutput(node.SelectColumns);

        public override void Visit(MergeStatement node) => Found.Add("MERGE");

        public override void Visit(SetTransactionIsolationLevelStatement node)
        {
            if (node.Level is IsolationLevel.Serializable or IsolationLevel.RepeatableRead)
            {
                Found.Add($"isolation level {node.Level}");
            }
        }

        public override void Visit(TopRowFilter node)
        {
            if (node.Percent)
            {
                Found.Add("TOP ... PERCENT");
            }
        }

        // Only bare columns (INSERTED.x, DELETED.x, or $action-free names) may be output.
        private void CheckOutput(IList<SelectElement> columns)
        {
            if (columns.Any(c => c is SelectScalarExpression { Expression: not ColumnReferenceExpression }))
            {
                Found.Add("expression over INSERTED/DELETED in OUTPUT");
            }
        }
    }
}
