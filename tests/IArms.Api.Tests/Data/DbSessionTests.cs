using System.Net;
using Dapper;
using IArms.Api.Data;
using IArms.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace IArms.Api.Tests.Data;

/// <summary>Sessions keep prepared statements between uses; these check that nothing stale leaks from one use to the next.</summary>
public class DbSessionTests
{
    private static readonly SqlText CreateTable = SqlText.Same(
        "CREATE TABLE IF NOT EXISTS session_probe (id INTEGER PRIMARY KEY, name TEXT NULL, at TEXT NULL, blob BLOB NULL)");

    private static readonly SqlText Insert = SqlText.Same(
        "INSERT INTO session_probe (id, name, at, blob) VALUES (@Id, @Name, @At, @Blob)");

    private static readonly SqlText SelectById = SqlText.Same(
        "SELECT id AS Id, name AS Name, at AS At, blob AS Blob FROM session_probe WHERE id = @id");

    private static readonly SqlText Count = SqlText.Same("SELECT COUNT(*) FROM session_probe");

    private IArmsApplication _app = null!;

    private Db Db => _app.Services.GetRequiredService<Db>();

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _app = new IArmsApplication();
        using var client = _app.Admin();
        await (await client.GetAsync("/health/ready")).ExpectAsync(HttpStatusCode.OK);
        await using var session = await Db.OpenSessionAsync(readOnly: false);
        await session.ExecuteAsync(CreateTable, null, null, CancellationToken.None);
    }

    [OneTimeTearDown]
    public void Stop() => _app.Dispose();

    [Test]
    public async Task ARepeatedStatementBindsEachUsesOwnValuesIncludingNulls()
    {
        var at = new DateTimeOffset(2026, 11, 29, 10, 30, 0, TimeSpan.Zero);
        await using (var session = await Db.OpenSessionAsync(readOnly: false))
        {
            await session.ExecuteAsync(Insert, new Probe(101, "first", at, [1, 2, 3]), null, CancellationToken.None);
            await session.ExecuteAsync(Insert, new Probe(102, null, null, null), null, CancellationToken.None);
        }

        await using var reader = await Db.OpenSessionAsync(readOnly: true);
        var first = await reader.QueryFirstOrDefaultAsync<ProbeRow>(SelectById, new { id = 101L }, CancellationToken.None);
        var second = await reader.QueryFirstOrDefaultAsync<ProbeRow>(SelectById, new { id = 102L }, CancellationToken.None);
        var none = await reader.QueryFirstOrDefaultAsync<ProbeRow>(SelectById, new { id = 999L }, CancellationToken.None);

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
        await using (var session = await Db.OpenSessionAsync(readOnly: false))
        {
            await session.ExecuteAsync(Insert, new Probe(201, "visible", null, null), null, CancellationToken.None);
        }
        await using var connection = await Db.OpenAsync();
        Assert.That(await connection.ExecuteScalarAsync<string>("SELECT name FROM session_probe WHERE id = 201"), Is.EqualTo("visible"));
    }

    [Test]
    public async Task ASessionLeftInsideATransactionIsRolledBackAndNotReused()
    {
        var before = await CountAsync();
        await using (var abandoned = await Db.OpenSessionAsync(readOnly: false))
        {
            var tx = await abandoned.Connection.BeginTransactionAsync();
            await abandoned.ExecuteAsync(Insert, new Probe(301, "uncommitted", null, null), tx, CancellationToken.None);
            // Disposed without commit or rollback, as a failed caller would leave it.
        }

        // Had the connection gone back to the pool inside its transaction, the next write would join that
        // transaction and stay invisible to other connections; and the database would stay locked.
        await using (var next = await Db.OpenSessionAsync(readOnly: false))
        {
            await next.ExecuteAsync(Insert, new Probe(302, "after", null, null), null, CancellationToken.None);
        }
        Assert.That(await CountAsync(), Is.EqualTo(before + 1));
    }

    [Test]
    public async Task AStatementRunsAgainOutsideTheTransactionItLastRanIn()
    {
        await using var session = await Db.OpenSessionAsync(readOnly: false);
        await using (var tx = await session.Connection.BeginTransactionAsync())
        {
            await session.ExecuteAsync(Insert, new Probe(501, "in a transaction", null, null), tx, CancellationToken.None);
            await tx.CommitAsync();
        }
        await session.ExecuteAsync(Insert, new Probe(502, "on its own", null, null), null, CancellationToken.None);

        await using var connection = await Db.OpenAsync();
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM session_probe WHERE id IN (501, 502)"), Is.EqualTo(2));
    }

    [Test]
    public async Task DisposingASessionTwiceGivesItsConnectionBackOnce()
    {
        var session = await Db.OpenSessionAsync(readOnly: false);
        var connection = session.Connection;
        await session.DisposeAsync();
        await session.DisposeAsync();

        await using var first = await Db.OpenSessionAsync(readOnly: false);
        await using var second = await Db.OpenSessionAsync(readOnly: false);
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
        await using (var writer = await Db.OpenSessionAsync(readOnly: false))
        {
            await writer.ExecuteAsync(Insert, new Probe(601, "six", null, [6]), null, CancellationToken.None);
        }
        await using var session = await Db.OpenSessionAsync(readOnly: true);
        var id = new { id = 601L };
        Assert.Multiple(async () =>
        {
            Assert.That(await session.QueryFirstOrDefaultAsync<string>(SqlText.Same("SELECT name FROM session_probe WHERE id = @id"), id, CancellationToken.None), Is.EqualTo("six"));
            Assert.That(await session.QueryFirstOrDefaultAsync<int>(SqlText.Same("SELECT id FROM session_probe WHERE id = @id"), id, CancellationToken.None), Is.EqualTo(601));
            Assert.That(await session.QueryFirstOrDefaultAsync<long?>(SqlText.Same("SELECT at FROM session_probe WHERE id = @id"), id, CancellationToken.None), Is.Null);
            Assert.That(await session.QueryFirstOrDefaultAsync<byte[]>(SqlText.Same("SELECT blob FROM session_probe WHERE id = @id"), id, CancellationToken.None), Is.EqualTo(new byte[] { 6 }));
            Assert.That(await session.QueryFirstOrDefaultAsync<bool>(SqlText.Same("SELECT id = 601 FROM session_probe WHERE id = @id"), id, CancellationToken.None), Is.True);
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
                await using var session = await Db.OpenSessionAsync(readOnly: true);
                if (!inUse.TryAdd(session.Connection, 0))
                {
                    Interlocked.Increment(ref clashes);
                }
                await session.QueryAsync<long>(Count, null, CancellationToken.None);
                inUse.TryRemove(session.Connection, out byte _);
            }
        })));
        Assert.That(clashes, Is.Zero);
    }

    [Test]
    public async Task ASessionWhoseStatementFailedIsNotReused()
    {
        System.Data.Common.DbConnection used;
        await using (var failed = await Db.OpenSessionAsync(readOnly: false))
        {
            used = failed.Connection;
            await failed.ExecuteAsync(Insert, new Probe(401, "one", null, null), null, CancellationToken.None);
            await Assert.ThrowsAsync<Microsoft.Data.Sqlite.SqliteException>(() =>
                failed.ExecuteAsync(Insert, new Probe(401, "duplicate", null, null), null, CancellationToken.None));
        }
        await using var next = await Db.OpenSessionAsync(readOnly: false);
        Assert.That(next.Connection, Is.Not.SameAs(used));
    }

    [Test]
    public async Task AHealthySessionIsReused()
    {
        System.Data.Common.DbConnection used;
        await using (var first = await Db.OpenSessionAsync(readOnly: true))
        {
            await first.QueryAsync<long>(Count, null, CancellationToken.None);
            used = first.Connection;
        }
        await using var second = await Db.OpenSessionAsync(readOnly: true);
        Assert.That(second.Connection, Is.SameAs(used));
    }

    [Test]
    public async Task AListParameterIsRefusedRatherThanSilentlyMisbound()
    {
        await using var session = await Db.OpenSessionAsync(readOnly: true);
        await Assert.ThrowsAsync<NotSupportedException>(() => session.QueryAsync<long>(Count, new { ids = new[] { 1L, 2L } }, CancellationToken.None));
    }

    private async Task<long> CountAsync()
    {
        await using var connection = await Db.OpenAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM session_probe");
    }

    private sealed record Probe(long Id, string? Name, DateTimeOffset? At, byte[]? Blob);

    private sealed class ProbeRow
    {
        public long Id { get; set; }
        public string? Name { get; set; }
        public DateTimeOffset? At { get; set; }
        public byte[]? Blob { get; set; }
    }
}
