using System.Net;
using Dapper;
using IArms.Api.Data;
using IArms.Api.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace IArms.Api.Tests.Data;

/// <summary>
/// SQLite's single writer (<see cref="SqliteWriter"/>): concurrent write sessions share one commit, each in its own
/// savepoint; a session is acknowledged only once that commit is durable; a full queue is refused at once; shutdown
/// drains the queue. On a bare database file of its own per test, through <see cref="Db"/> as features use it.
/// </summary>
public class SqliteWriterTests
{
    private static readonly Sql CreateTable = new("CREATE TABLE IF NOT EXISTS writer_probe (id INTEGER PRIMARY KEY, name TEXT NOT NULL)");
    private static readonly Sql Insert = new("INSERT INTO writer_probe (id, name) VALUES (@Id, @Name)");

    private string _folder = null!;
    private string _connectionString = null!;
    private Db _db = null!;

    [SetUp]
    public async Task OpenAsync()
    {
        _folder = Path.Combine(Path.GetTempPath(), "iarms-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        _connectionString = $"Data Source={Path.Combine(_folder, "writer.db")}";
        await using (var setup = new SqliteConnection(_connectionString))
        {
            await setup.OpenAsync();
            await setup.ExecuteAsync("PRAGMA journal_mode = WAL;");
        }
        _db = Open(maxQueued: 8);
        await using var session = await _db.PrimaryAsync(CancellationToken.None);
        await session.ExecuteAsync(CreateTable);
    }

    [TearDown]
    public void Close()
    {
        _db.Dispose();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open is left to the temp folder's cleanup.
        }
    }

    private Db Open(int maxQueued)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:IArms"] = _connectionString })
            .Build();
        var db = new Db(Options.Create(new DatabaseOptions { MaxQueuedWrites = maxQueued }), configuration);
        // Batches close when the queue drains, never by age, so that a slow machine cannot split them.
        db.Writer!.MaxBatchAge = TimeSpan.FromMinutes(1);
        return db;
    }

    private async Task<Task> WriteAsync(long id, string name)
    {
        var session = await _db.WriteAsync(CancellationToken.None);
        return Finish();

        async Task Finish()
        {
            await using (session)
            {
                await session.ExecuteAsync(Insert, new { Id = id, Name = name });
                await session.CommitAsync();
            }
        }
    }

    private async Task<long[]> StoredIdsAsync()
    {
        await using var other = new SqliteConnection(_connectionString + ";Pooling=False");
        await other.OpenAsync();
        return (await other.QueryAsync<long>("SELECT id FROM writer_probe ORDER BY id")).ToArray();
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            Assert.That(DateTime.UtcNow, Is.LessThan(deadline), "timed out waiting");
            await Task.Delay(5);
        }
    }

    [Test]
    public async Task CheckpointsRunBesideTheWriterAndTheWalStillStartsOverUnderSustainedWrites()
    {
        // The writer's own auto-checkpoint is off and a thread of the writer's checkpoints instead; SQLite reuses the
        // WAL from its start only at a write that begins with every frame copied back, so without the writer's final
        // checkpoint between two transactions the file would keep every page ever written.
        var wal = Path.Combine(_folder, "writer.db-wal");
        // A checkpointer thread starved by a busy machine must not decide the outcome: the writer's own bound does then.
        _db.Writer!.MaxPagesWithoutRestart = 2000;
        var blob = new string('x', 4000);
        const int Sessions = 80, RowsPerSession = 100; // about 8,000 pages of 4 KiB, one commit per session
        for (var i = 0; i < Sessions; i++)
        {
            await using var session = await _db.WriteAsync(CancellationToken.None);
            for (var j = 0; j < RowsPerSession; j++)
            {
                await session.ExecuteAsync(Insert, new { Id = (long)(i * RowsPerSession + j + 1), Name = blob });
            }
            await session.CommitAsync();
        }

        Assert.That((await StoredIdsAsync()).Length, Is.EqualTo(Sessions * RowsPerSession));
        var written = (long)Sessions * RowsPerSession * 4096;
        Assert.That(new FileInfo(wal).Length, Is.LessThan(written / 2), "the WAL started over instead of growing with every page written");
    }

    [Test]
    public async Task ConcurrentWriteSessionsShareOneCommitAndEachIsAcknowledgedOnlyOnceItIsDurable()
    {
        var commits = _db.Writer!.Commits;
        var first = await _db.WriteAsync(CancellationToken.None);
        await first.ExecuteAsync(Insert, new { Id = 1L, Name = "first" });
        // Five more writers queue behind the first while it holds the writer.
        var others = Enumerable.Range(2, 5).Select(i => Task.Run(async () => await await WriteAsync(i, $"writer {i}"))).ToArray();
        await UntilAsync(() => _db.Writer.Queued == 6);

        var firstCommit = first.CommitAsync();
        await Task.WhenAll(others.Append(firstCommit));
        await first.DisposeAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(_db.Writer.Commits - commits, Is.EqualTo(1), "six sessions, one commit");
            Assert.That(await StoredIdsAsync(), Is.EqualTo(new long[] { 1, 2, 3, 4, 5, 6 }));
        });
    }

    [Test]
    public async Task ASessionsCommitWaitsForTheSharedCommitOfTheSessionsAfterIt()
    {
        var first = await _db.WriteAsync(CancellationToken.None);
        await first.ExecuteAsync(Insert, new { Id = 10L, Name = "first" });
        var secondTurn = Task.Run(() => _db.WriteAsync(CancellationToken.None));
        await UntilAsync(() => _db.Writer!.Queued == 2);

        var firstCommit = first.CommitAsync();
        var second = await secondTurn;
        await Task.Delay(50);
        Assert.Multiple(async () =>
        {
            Assert.That(firstCommit.IsCompleted, Is.False, "not acknowledged while its commit is still open");
            Assert.That(await StoredIdsAsync(), Is.Empty, "nothing is visible before the shared commit");
        });

        await second.ExecuteAsync(Insert, new { Id = 11L, Name = "second" });
        await second.CommitAsync();
        await firstCommit;
        await first.DisposeAsync();
        await second.DisposeAsync();
        Assert.That(await StoredIdsAsync(), Is.EqualTo(new long[] { 10, 11 }));
    }

    [Test]
    public async Task ASessionThatFailsRollsBackOnlyItsOwnSavepointAndTheBatchStillCommits()
    {
        var first = await _db.WriteAsync(CancellationToken.None);
        await first.ExecuteAsync(Insert, new { Id = 20L, Name = "kept" });
        var failing = Task.Run(async () =>
        {
            await using var session = await _db.WriteAsync(CancellationToken.None);
            await session.ExecuteAsync(Insert, new { Id = 21L, Name = "half-written" });
            // A duplicate key part-way through: the request throws, and nothing of it may remain.
            await session.ExecuteAsync(Insert, new { Id = 20L, Name = "duplicate" });
            await session.CommitAsync();
        });
        var last = Task.Run(async () => await await WriteAsync(22, "after the failure"));
        await UntilAsync(() => _db.Writer!.Queued == 3);

        var firstCommit = first.CommitAsync();
        var failure = await Assert.ThrowsAsync<SqliteException>(() => failing);
        await Task.WhenAll(firstCommit, last);
        await first.DisposeAsync();

        Assert.Multiple(async () =>
        {
            Assert.That(failure!.SqliteErrorCode, Is.EqualTo(19), "the caller sees its own constraint failure");
            Assert.That(await StoredIdsAsync(), Is.EqualTo(new long[] { 20, 22 }));
        });
    }

    [Test]
    public async Task ASessionAloneCommitsTheSessionsBeforeItFirstThenItsOwnWorkInACommitOfItsOwn()
    {
        var commits = _db.Writer!.Commits;
        var before = await _db.WriteAsync(CancellationToken.None);
        await before.ExecuteAsync(Insert, new { Id = 30L, Name = "before" });
        // Queued behind it, the alone session keeps the batch open as its holder ends (somebody waits)...
        var aloneTurn = Task.Run(() => _db.WriteAloneAsync(CancellationToken.None));
        await UntilAsync(() => _db.Writer.Queued == 2);
        // ... and commits it before its own work begins: the earlier session is acknowledged without waiting for it.
        await before.CommitAsync();
        await before.DisposeAsync();

        await using var alone = await aloneTurn;
        await alone.ExecuteAsync(Insert, new { Id = 31L, Name = "alone" });
        // A session queued meanwhile waits for the writer: it never joins the alone session's transaction.
        var after = Task.Run(async () => await await WriteAsync(32, "after"));
        await UntilAsync(() => _db.Writer.Queued == 2);
        Assert.That(await StoredIdsAsync(), Is.EqualTo(new long[] { 30 }), "the batch before it committed; its own work is not visible yet");
        await alone.CommitAsync();
        Assert.That(await StoredIdsAsync(), Is.EqualTo(new long[] { 30, 31 }), "durable as its commit returns, without the session queued after it");
        await after;

        Assert.Multiple(async () =>
        {
            Assert.That(await StoredIdsAsync(), Is.EqualTo(new long[] { 30, 31, 32 }));
            Assert.That(_db.Writer.Commits - commits, Is.EqualTo(3), "the batch before, the alone session, the session after");
        });
    }

    [Test]
    public async Task ASessionAloneThatFailsLeavesNothingOfItsOwnAndTheWriterServesTheNext()
    {
        await (await WriteAsync(40, "earlier"));
        var failing = Task.Run(async () =>
        {
            await using var session = await _db.WriteAloneAsync(CancellationToken.None);
            await session.ExecuteAsync(Insert, new { Id = 41L, Name = "half-written" });
            await session.ExecuteAsync(Insert, new { Id = 40L, Name = "duplicate" });
            await session.CommitAsync();
        });
        var failure = await Assert.ThrowsAsync<SqliteException>(() => failing);
        await (await WriteAsync(42, "next"));

        Assert.Multiple(async () =>
        {
            Assert.That(failure!.SqliteErrorCode, Is.EqualTo(19));
            Assert.That(await StoredIdsAsync(), Is.EqualTo(new long[] { 40, 42 }));
        });
    }

    [Test]
    public async Task AFullQueueIsRefusedAtOnceWhileTheAuditIsStillAdmitted()
    {
        var holder = await _db.WriteAsync(CancellationToken.None);
        var queued = Enumerable.Range(30, 7).Select(i => Task.Run(async () => await await WriteAsync(i, "queued"))).ToArray();
        await UntilAsync(() => _db.Writer!.Queued == 8);

        var refused = _db.WriteAsync(CancellationToken.None);
        Assert.That(refused.IsFaulted, Is.True, "refused without waiting for the writer");
        await Assert.ThrowsAsync<ServiceUnavailableException>(() => refused);
        var audit = Task.Run(async () =>
        {
            await using var session = await _db.WriteExemptAsync(CancellationToken.None);
            await session.ExecuteAsync(Insert, new { Id = 40L, Name = "audit" });
            await session.CommitAsync();
        });
        await UntilAsync(() => _db.Writer!.Queued == 9);

        await holder.DisposeAsync();
        await Task.WhenAll(queued.Append(audit));
        Assert.That(await StoredIdsAsync(), Is.EqualTo(new long[] { 30, 31, 32, 33, 34, 35, 36, 40 }));
    }

    [Test]
    public async Task AStatementThatWritesOnAPrimarySessionGoesThroughTheWriterAndCommitsOnItsOwn()
    {
        var holder = await _db.WriteAsync(CancellationToken.None);
        var autocommit = Task.Run(async () =>
        {
            await using var session = await _db.PrimaryAsync(CancellationToken.None);
            return await session.ExecuteAsync(Insert, new { Id = 50L, Name = "autocommit" });
        });
        await UntilAsync(() => _db.Writer!.Queued == 2);
        Assert.That(autocommit.IsCompleted, Is.False, "it queues for the writer instead of taking SQLite's lock");

        await holder.ExecuteAsync(Insert, new { Id = 51L, Name = "held" });
        await holder.CommitAsync();
        await holder.DisposeAsync();
        Assert.Multiple(async () =>
        {
            Assert.That(await autocommit, Is.EqualTo(1));
            Assert.That(await StoredIdsAsync(), Is.EqualTo(new long[] { 50, 51 }));
        });
    }

    [Test]
    public async Task ShutdownLetsTheQueuedSessionsFinishAndCommitThenRefusesNewOnes()
    {
        var holder = await _db.WriteAsync(CancellationToken.None);
        await holder.ExecuteAsync(Insert, new { Id = 60L, Name = "holder" });
        var queued = Enumerable.Range(61, 2).Select(i => Task.Run(async () => await await WriteAsync(i, "queued"))).ToArray();
        await UntilAsync(() => _db.Writer!.Queued == 3);

        var shutdown = Task.Run(_db.Dispose);
        await UntilAsync(() => _db.Writer!.Closing);
        Assert.That(_db.WriteAsync(CancellationToken.None).IsFaulted, Is.True, "refused once shutdown has begun");
        await holder.CommitAsync();
        await holder.DisposeAsync();
        await Task.WhenAll(queued.Append(shutdown));

        Assert.That(await StoredIdsAsync(), Is.EqualTo(new long[] { 60, 61, 62 }));
        await Assert.ThrowsAsync<ServiceUnavailableException>(() => _db.WriteAsync(CancellationToken.None));
    }

    [Test]
    public async Task ACancelledRequestLeavesNothingWrittenAndTheWriterServesTheNext()
    {
        using var cancelled = new CancellationTokenSource();
        await using (var session = await _db.WriteAsync(cancelled.Token))
        {
            await session.ExecuteAsync(Insert, new { Id = 70L, Name = "before the cancel" });
            await cancelled.CancelAsync();
            await Assert.ThrowsAsync<TaskCanceledException>(() => session.ExecuteAsync(Insert, new { Id = 71L, Name = "after" }));
        }
        await await WriteAsync(72, "next");
        Assert.That(await StoredIdsAsync(), Is.EqualTo(new long[] { 72 }));
    }
    [Test]
    public async Task ASecondWriteSessionOpenedWhileTheFlowHoldsOneIsRefusedAfterTheWaitLimitAndTheFirstStillCommits()
    {
        _db.Writer!.MaxWait = TimeSpan.FromMilliseconds(300);
        await using (var outer = await _db.WriteAsync(CancellationToken.None))
        {
            await outer.ExecuteAsync(Insert, new { Id = 1L, Name = "outer" });
            // The same flow asks for the writer again: it would wait for itself forever.
            var inner = await Assert.ThrowsAsync<ServiceUnavailableException>(async () => await _db.WriteAsync(CancellationToken.None));
            Assert.That(inner?.Message, Does.Contain("nothing was written"));
            await outer.CommitAsync();
        }
        Assert.That(await StoredIdsAsync(), Is.EqualTo(new[] { 1L }));
        Assert.That(_db.Writer.Queued, Is.Zero);
    }

    [Test]
    public async Task TheAuditsSessionGoesAheadOfQueuedWrites()
    {
        var holder = await _db.WriteAsync(CancellationToken.None);
        var order = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var write = Task.Run(async () =>
        {
            await using var session = await _db.WriteAsync(CancellationToken.None);
            order.Enqueue("write");
            await session.CommitAsync();
        });
        await UntilAsync(() => _db.Writer!.Queued == 2);
        var audit = Task.Run(async () =>
        {
            await using var session = await _db.WriteExemptAsync(CancellationToken.None);
            order.Enqueue("audit");
            await session.CommitAsync();
        });
        await UntilAsync(() => _db.Writer!.Queued == 3);
        await holder.CommitAsync();
        await holder.DisposeAsync();
        await Task.WhenAll(write, audit).WaitAsync(TimeSpan.FromSeconds(10));
        Assert.That(order, Is.EqualTo(new[] { "audit", "write" }));
    }
}

/// <summary>Back-pressure through HTTP: a create refused by a full write queue is a 503 problem with Retry-After, and nothing is stored.</summary>
public class WriteQueueBackPressureTests : ApiFixture
{
    [Test]
    public async Task ACreateRefusedByAFullWriteQueueAnswers503WithRetryAfterAndStoresNothing()
    {
        var france = await App.AgencyAsync("FR-NCB", "FR", "search", "record");
        var db = App.Services.GetRequiredService<Db>();
        // One write session at a time from now on: the test's own (the setup above ran with the usual limit, so that a
        // background service's write could not take the one place from it).
        db.Writer!.MaxQueued = 1;
        var record = Records.Firearm("BP-503-1");

        HttpResponseMessage response;
        await using (var holder = await db.WriteAsync(CancellationToken.None))
        {
            var post = france.PostJsonAsync("/api/v1/firearms", record);
            // The refused request's own audit entry waits for the writer the test holds; release it after a moment.
            await Task.WhenAny(post, Task.Delay(300));
            await holder.CommitAsync();
            response = await post;
        }

        var problem = await response.ExpectProblemAsync(HttpStatusCode.ServiceUnavailable);
        Assert.Multiple(async () =>
        {
            Assert.That(response.Headers.RetryAfter, Is.Not.Null);
            Assert.That((string?)problem["title"], Is.Not.Empty);
            var list = await (await france.GetAsync("/api/v1/firearms")).ExpectAsync(HttpStatusCode.OK);
            Assert.That(list["items"]!.AsArray(), Is.Empty, "nothing of the refused create was stored");
        });
        // Every place taken was given back: refused, held and background sessions alike.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (db.Writer.QueuedWrites != 0 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(20);
        }
        Assert.That(db.Writer.QueuedWrites, Is.Zero);
    }

}
