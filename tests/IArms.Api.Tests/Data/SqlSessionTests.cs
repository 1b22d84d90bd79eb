using System.Net;
using Dapper;
using IArms.Api.Data;
using IArms.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace IArms.Api.Tests.Data;

/// <summary>
/// On SQLite, sessions keep prepared statements between uses (a private detail of <see cref="SqlSession"/>); these check
/// that nothing stale leaks from one use to the next, and that a session reads values as Dapper does.
/// </summary>
public class SqlSessionTests
{
    private static readonly Sql CreateTable = new(
        "CREATE TABLE IF NOT EXISTS session_probe (id INTEGER PRIMARY KEY, name TEXT NULL, at TEXT NULL, blob BLOB NULL)");

    private static readonly Sql Insert = new(
        "INSERT INTO session_probe (id, name, at, blob) VALUES (@Id, @Name, @At, @Blob)");

    private static readonly Sql SelectById = new(
        "SELECT id, name, at, blob FROM session_probe WHERE id = @id");

    private static readonly Sql Count = new("SELECT COUNT(*) FROM session_probe");

    private static readonly Sql SelectIn = new(d => $"SELECT id FROM session_probe WHERE id IN {d.IdList("@ids")} ORDER BY id");

    private IArmsApplication _app = null!;

    private Db Db => _app.Services.GetRequiredService<Db>();

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _app = new IArmsApplication(DatabaseProvider.Sqlite);
        using var client = _app.Admin();
        await (await client.GetAsync("/health/ready")).ExpectAsync(HttpStatusCode.OK);
        await using var session = await Db.PrimaryAsync(CancellationToken.None);
        await session.ExecuteAsync(CreateTable);
    }

    [OneTimeTearDown]
    public void Stop() => _app.Dispose();

    [Test]
    public async Task ARepeatedStatementBindsEachUsesOwnValuesIncludingNulls()
    {
        var at = new DateTimeOffset(2026, 11, 29, 10, 30, 0, TimeSpan.Zero);
        await using (var session = await Db.PrimaryAsync(CancellationToken.None))
        {
            await session.ExecuteAsync(Insert, new Probe(101, "first", at, [1, 2, 3]));
            await session.ExecuteAsync(Insert, new Probe(102, null, null, null));
        }

        await using var reader = await Db.ReadAsync(CancellationToken.None);
        var first = await reader.QueryFirstOrDefaultAsync<ProbeRow>(SelectById, new { id = 101L });
        var second = await reader.QueryFirstOrDefaultAsync<ProbeRow>(SelectById, new { id = 102L });
        var none = await reader.QueryFirstOrDefaultAsync<ProbeRow>(SelectById, new { id = 999L });

        Assert.Multiple(() =>
        {
            Assert.That(first!.Name, Is.EqualTo("first"));
            Assert.That(first.At, Is.EqualTo(at));
            Assert.That(first.Blob, Is.EqualTo(new byte[] { 1, 2, 3 }));
            Assert.That(second!.Name, Is.Null, "a null must not keep the previous use's value");
            Assert.That(second.At, Is.Null);
            Assert.That(second.Blob, Is.Null);
            Assert.That(none, Is.Null);
        });
    }

    [Test]
    public async Task WritesAreVisibleToOtherConnectionsOnceTheSessionIsDone()
    {
        await using (var session = await Db.PrimaryAsync(CancellationToken.None))
        {
            await session.ExecuteAsync(Insert, new Probe(201, "visible", null, null));
        }
        await using var other = OtherConnection();
        Assert.That(await other.ExecuteScalarAsync<string>("SELECT name FROM session_probe WHERE id = 201"), Is.EqualTo("visible"));
    }

    [Test]
    public async Task ASessionLeftInsideATransactionIsRolledBackAndNotReused()
    {
        var before = await CountAsync();
        await using (var abandoned = await Db.WriteAsync(CancellationToken.None))
        {
            await abandoned.ExecuteAsync(Insert, new Probe(301, "uncommitted", null, null));
            // Disposed without commit, as a failed caller would leave it.
        }

        // Had the connection gone back to the pool inside its transaction, the next write would join that
        // transaction and stay invisible to other connections; and the database would stay locked.
        await using (var next = await Db.PrimaryAsync(CancellationToken.None))
        {
            await next.ExecuteAsync(Insert, new Probe(302, "after", null, null));
        }
        Assert.That(await CountAsync(), Is.EqualTo(before + 1));
    }

    [Test]
    public async Task AStatementPreparedOnTheWriterRunsAgainInTheNextSharedTransaction()
    {
        System.Data.Common.DbConnection used;
        await using (var session = await Db.WriteAsync(CancellationToken.None))
        {
            used = session.Connection;
            await session.ExecuteAsync(Insert, new Probe(501, "first batch", null, null));
            await session.CommitAsync();
        }
        await using (var session = await Db.WriteAsync(CancellationToken.None))
        {
            Assert.That(session.Connection, Is.SameAs(used), "the writer's one connection, with the statement prepared in the last batch");
            await session.ExecuteAsync(Insert, new Probe(502, "next batch", null, null));
            await session.CommitAsync();
        }

        await using var reader = await Db.ReadAsync(CancellationToken.None);
        Assert.That(await reader.QuerySingleAsync<long>(new Sql("SELECT COUNT(*) FROM session_probe WHERE id IN (501, 502)")), Is.EqualTo(2));
    }

    [Test]
    public async Task DisposingASessionTwiceGivesItsConnectionBackOnce()
    {
        var session = await Db.PrimaryAsync(CancellationToken.None);
        var connection = session.Connection;
        await session.DisposeAsync();
        await session.DisposeAsync();

        await using var first = await Db.PrimaryAsync(CancellationToken.None);
        await using var second = await Db.PrimaryAsync(CancellationToken.None);
        Assert.Multiple(() =>
        {
            Assert.That(second.Connection, Is.Not.SameAs(first.Connection), "two leases must never share a connection");
            Assert.Throws<ObjectDisposedException>(() => _ = session.Connection);
            Assert.That(new[] { first.Connection, second.Connection }, Has.Some.SameAs(connection), "the connection was reused");
        });
    }

    [Test]
    public async Task SingleValuesAreReadAsDapperReadsThem()
    {
        await using (var writer = await Db.PrimaryAsync(CancellationToken.None))
        {
            await writer.ExecuteAsync(Insert, new Probe(601, "six", null, [6]));
        }
        await using var session = await Db.ReadAsync(CancellationToken.None);
        var id = new { id = 601L };
        Assert.Multiple(async () =>
        {
            Assert.That(await session.QueryFirstOrDefaultAsync<string>(new Sql("SELECT name FROM session_probe WHERE id = @id"), id), Is.EqualTo("six"));
            Assert.That(await session.QueryFirstOrDefaultAsync<int>(new Sql("SELECT id FROM session_probe WHERE id = @id"), id), Is.EqualTo(601));
            Assert.That(await session.QueryFirstOrDefaultAsync<long?>(new Sql("SELECT at FROM session_probe WHERE id = @id"), id), Is.Null);
            Assert.That(await session.QueryFirstOrDefaultAsync<byte[]>(new Sql("SELECT blob FROM session_probe WHERE id = @id"), id), Is.EqualTo(new byte[] { 6 }));
            Assert.That(await session.QueryFirstOrDefaultAsync<bool>(new Sql("SELECT id = 601 FROM session_probe WHERE id = @id"), id), Is.True);
        });
    }

    [Test]
    public async Task ConcurrentSessionsNeverShareAConnection()
    {
        var inUse = new System.Collections.Concurrent.ConcurrentDictionary<System.Data.Common.DbConnection, byte>();
        var clashes = 0;
        await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 200; i++)
            {
                await using var session = await Db.ReadAsync(CancellationToken.None);
                if (!inUse.TryAdd(session.Connection, 0))
                {
                    Interlocked.Increment(ref clashes);
                }
                await session.QueryAsync<long>(Count);
                inUse.TryRemove(session.Connection, out byte _);
            }
        })));
        Assert.That(clashes, Is.Zero);
    }

    [Test]
    public async Task ASessionWhoseStatementFailedIsNotReused()
    {
        System.Data.Common.DbConnection used;
        await using (var failed = await Db.PrimaryAsync(CancellationToken.None))
        {
            used = failed.Connection;
            // A read that fails where it runs (a write would run on the writer's connection, not this one).
            await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() =>
                failed.QueryAsync<long>(new Sql("SELECT abs(-9223372036854775808) FROM session_probe")));
        }
        await using var next = await Db.PrimaryAsync(CancellationToken.None);
        Assert.That(next.Connection, Is.Not.SameAs(used));
    }

    [Test]
    public async Task AHealthySessionIsReused()
    {
        System.Data.Common.DbConnection used;
        await using (var first = await Db.ReadAsync(CancellationToken.None))
        {
            await first.QueryAsync<long>(Count);
            used = first.Connection;
        }
        await using var second = await Db.ReadAsync(CancellationToken.None);
        Assert.That(second.Connection, Is.SameAs(used));
    }

    [Test]
    public async Task AListIsOneParameterSoTheStatementStaysTheSameWhateverItsLength()
    {
        await using (var writer = await Db.PrimaryAsync(CancellationToken.None))
        {
            await writer.ExecuteAsync(Insert, new[] { new Probe(701, "a", null, null), new Probe(702, "b", null, null), new Probe(703, "c", null, null) });
        }
        await using var session = await Db.ReadAsync(CancellationToken.None);
        Assert.That(await session.QueryAsync<long>(SelectIn, new { ids = SqlList.Of(new[] { 701L, 703L }) }), Is.EqualTo(new[] { 701L, 703L }));
        Assert.That(await session.QueryAsync<long>(SelectIn, new { ids = SqlList.Of(new[] { 702L }) }), Is.EqualTo(new[] { 702L }));
        Assert.That(await session.QueryAsync<long>(SelectIn, new { ids = SqlList.Of(Array.Empty<long>()) }), Is.Empty);
    }

    [Test]
    public async Task ArgumentsThatAreNotSimpleValuesAreBoundByDapper()
    {
        await using var session = await Db.ReadAsync(CancellationToken.None);
        // Dapper expands a sequence; the prepared path takes only simple values, so this statement goes through Dapper.
        var ids = await session.QueryAsync<long>(new Sql("SELECT id FROM session_probe WHERE id IN @ids ORDER BY id"), new { ids = new[] { 101L, 102L } });
        Assert.That(ids, Is.EqualTo(new[] { 101L, 102L }));
    }

    private async Task<long> CountAsync()
    {
        await using var other = OtherConnection();
        return await other.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM session_probe");
    }

    /// <summary>A connection of the test's own, outside the service's pools: it sees only what was committed.</summary>
    private Microsoft.Data.Sqlite.SqliteConnection OtherConnection() => new($"Data Source={_app.DatabasePath}");

    private sealed record Probe(long Id, string? Name, DateTimeOffset? At, byte[]? Blob);

    private sealed class ProbeRow
    {
        public long Id { get; set; }
        public string? Name { get; set; }
        public DateTimeOffset? At { get; set; }
        public byte[]? Blob { get; set; }
    }
}
