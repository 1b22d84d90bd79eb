using System.Collections.Concurrent;
using System.Threading;
using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace IArms.Api.Data;

/// <summary>
/// The one writer of a SQLite database. SQLite lets one connection write at a time and holds that lock through the
/// commit's fsync, so writers that each begin and commit on their own wait on each other's fsyncs, busy-waiting in
/// <c>busy_timeout</c> sleeps, and every commit makes every reader drop its page cache. Here write sessions queue
/// (first come, first served) for one connection instead; each runs inside a <c>SAVEPOINT</c> of a transaction shared
/// with the sessions before and after it, and the shared transaction commits once (one fsync) when no session is
/// waiting, or when the batch is big or old enough. A session's <see cref="SqlSession.CommitAsync"/> returns only once
/// the commit that holds its work is durable; a session that fails or is disposed without committing rolls back its
/// own savepoint and nothing else.
/// </summary>
/// <remarks>
/// Back-pressure: at most <see cref="DatabaseOptions.MaxQueuedWrites"/> sessions hold or wait for the writer; one more
/// is refused at once with <see cref="ServiceUnavailableException"/> (503 with <c>Retry-After</c>) rather than left to
/// time out. The audit log's group commit is exempt, since every answered request needs its entry.
/// </remarks>
internal sealed class SqliteWriter : IAsyncDisposable
{
    private readonly Func<Task<SqliteStatements>> open;

    /// <param name="open">Opens the writer's connection.</param>
    /// <param name="maxQueued">See <see cref="MaxQueued"/>.</param>
    /// <param name="checkpointConnectionString">
    /// When given, WAL checkpoints run on a connection and thread of their own (<see cref="Checkpointer"/>) instead of
    /// inside the commit that crosses SQLite's auto-checkpoint threshold, which holds the writer's turn meanwhile.
    /// </param>
    public SqliteWriter(Func<Task<SqliteStatements>> open, int maxQueued, string? checkpointConnectionString = null)
    {
        this.open = open;
        MaxQueued = maxQueued;
        _checkpointer = checkpointConnectionString is null ? null : new Checkpointer(checkpointConnectionString);
        // A batch is committed by the session that ends it when nobody waits; a waiter that gave up (MaxWait) after
        // that decision could leave it open with acknowledged sessions waiting for their commit. The sweeper commits
        // any batch left open while the writer is free.
        _sweeper = new Timer(_ => _ = SweepAsync(), null, SweepPeriod, SweepPeriod);
    }

    private static readonly TimeSpan SweepPeriod = TimeSpan.FromMilliseconds(50);

    /// <summary>A batch commits once it holds this many sessions even if more are waiting, so that none waits long.</summary>
    internal const int MaxBatch = 256;

    /// <summary>... or once its first session began this long ago (settable for tests).</summary>
    internal TimeSpan MaxBatchAge { get; set; } = TimeSpan.FromMilliseconds(10);

    private const string Savepoint = "SAVEPOINT w";
    private const string Release = "RELEASE w";
    private const string RollbackTo = "ROLLBACK TO w";

    /// <summary>Write sessions (not counting the audit's) that may hold or wait for the writer (settable for tests).</summary>
    internal int MaxQueued { get; set; }

    /// <summary>How long a session waits for the writer before it is refused (503) instead of waiting on.</summary>
    internal TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(30);

    private readonly WriterTurn _turn = new();
    private readonly Timer _sweeper;
    private readonly CommitThread _committer = new();
    private readonly Checkpointer? _checkpointer;
    private long _pagesSinceCheckpoint;
    private readonly List<TaskCompletionSource> _durable = [];
    private readonly ConcurrentDictionary<string, bool> _writes = new(StringComparer.Ordinal);
    private int _inside; // sessions holding or waiting for the writer
    private int _queuedWrites; // the same, without the audit's exempt sessions: what back-pressure counts
    private bool _holderExempt; // whether the session holding the writer is exempt (one holder at a time)
    private bool _holderAlone; // whether it runs alone in its transaction, without a savepoint
    private SqliteStatements? _connection;
    private SqliteTransaction? _batch;
    private long _batchStarted;
    private volatile bool _closed;

    private long _commits;

    /// <summary>Sessions holding or waiting for the writer (for tests).</summary>
    internal int Queued => Volatile.Read(ref _inside);

    /// <summary>Write sessions (not the audit's) holding or waiting for the writer (for tests).</summary>
    internal int QueuedWrites => Volatile.Read(ref _queuedWrites);

    /// <summary>True once shutdown has begun (for tests).</summary>
    internal bool Closing => _closed;

    /// <summary>Shared transactions committed so far (for tests).</summary>
    internal long Commits => Interlocked.Read(ref _commits);

    /// <summary>
    /// Opens a write session: waits for the writer's turn, then opens a savepoint in the shared transaction; or, when
    /// <paramref name="alone"/>, commits the shared transaction held so far and runs the session in a transaction of its
    /// own, without a savepoint, committed as the session ends (see <see cref="Db.WriteAloneAsync"/>).
    /// </summary>
    public async Task<SqlSession> BeginAsync(ISqlDialect dialect, bool exempt, CancellationToken ct, bool alone = false)
    {
        if (_closed)
        {
            throw new ServiceUnavailableException("The service is shutting down; nothing was written.");
        }
        if (!exempt && Interlocked.Increment(ref _queuedWrites) > MaxQueued)
        {
            Interlocked.Decrement(ref _queuedWrites);
            throw new ServiceUnavailableException("Too many writes are waiting; nothing was written. Retry shortly.");
        }
        // Not cancelled by the request while queued (the queue is short-lived), but bounded: a session that waits longer
        // than MaxWait (a writer stuck behind a slow holder, or a flow that opened a second write session while holding
        // one, which would otherwise wait for itself forever) is refused and writes nothing. The audit's sessions go
        // ahead of queued writes, so that an answered search never waits behind a queue of creates.
        Interlocked.Increment(ref _inside);
        if (!await _turn.WaitAsync(priority: exempt, MaxWait))
        {
            Interlocked.Decrement(ref _inside);
            if (!exempt)
            {
                Interlocked.Decrement(ref _queuedWrites);
            }
            throw new ServiceUnavailableException("The database writer stayed busy; nothing was written. Retry shortly.");
        }
        _holderExempt = exempt;
        try
        {
            // Once queued, a session runs even when shutdown has begun: shutdown drains the queue.
            ct.ThrowIfCancellationRequested();
            _connection ??= await OpenAsync();
            if (alone && _batch is not null)
            {
                // The sessions before it are acknowledged once this commit is durable, as if nobody had been waiting.
                await CommitBatchAsync();
                _connection ??= await OpenAsync();
            }
            if (_batch is null)
            {
                // BEGIN IMMEDIATE (Microsoft.Data.Sqlite's default): the write lock is taken here, not at the first write.
                _batch = _connection.Connection.BeginTransaction();
                _batchStarted = Stopwatch.GetTimestamp();
            }
            _holderAlone = alone;
            if (!alone)
            {
                Run(Savepoint);
            }
            return new SqlSession(dialect, _connection.Connection, _connection, null, ct, this, _batch);
        }
        catch
        {
            await FinishTurnAsync(null, null);
            throw;
        }
    }

    /// <summary>
    /// Ends the current session's savepoint, kept (<paramref name="commit"/>) or rolled back, and hands the writer on;
    /// when committing, completes once the shared commit holding the session's work is durable.
    /// </summary>
    internal async Task EndAsync(bool commit)
    {
        var (durable, failure) = _holderAlone ? await EndAloneAsync(commit) : await EndSavepointAsync(commit);
        if (failure is not null)
        {
            throw new ServiceUnavailableException("The write could not be completed; nothing was written.", failure);
        }
        if (durable is not null)
        {
            await durable.Task;
        }
    }

    /// <summary>Releases or rolls back the session's savepoint, then hands the writer on (the batch may commit).</summary>
    private async Task<(TaskCompletionSource? Durable, Exception? Failure)> EndSavepointAsync(bool commit)
    {
        TaskCompletionSource? durable = null;
        Exception? failure = null;
        try
        {
            if (commit)
            {
                Run(Release);
                durable = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }
            else
            {
                Run(RollbackTo);
                Run(Release);
            }
            // A failed statement marked the connection broken; its savepoint is gone, the connection is fine.
            _connection!.Broken = false;
        }
        catch (Exception e)
        {
            failure = e;
            if (commit && !TransactionLost())
            {
                try
                {
                    Run(RollbackTo);
                    Run(Release);
                    _connection!.Broken = false;
                }
                catch
                {
                    // The transaction is unusable: FinishTurnAsync fails the batch.
                }
            }
        }
        await FinishTurnAsync(durable, failure);
        return (durable, failure);
    }

    /// <summary>
    /// Ends a session that ran alone in its transaction: commits it at once, or rolls it back, which is the session's
    /// own work and nothing else's; then hands the writer on.
    /// </summary>
    private async Task<(TaskCompletionSource? Durable, Exception? Failure)> EndAloneAsync(bool commit)
    {
        _holderAlone = false;
        try
        {
            var batch = _batch!;
            if (!commit)
            {
                _batch = null;
                try
                {
                    batch.Rollback();
                    batch.Dispose();
                    _connection!.Broken = false;
                }
                catch
                {
                    Discard(batch); // the transaction was already lost: a fresh connection for the next session
                }
                return (null, null);
            }
            if (TransactionLost())
            {
                _batch = null;
                Discard(batch);
                return (null, new InvalidOperationException("The write transaction was rolled back."));
            }
            var durable = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _durable.Add(durable);
            await CommitBatchAsync();
            return (durable, null);
        }
        finally
        {
            await FinishTurnAsync(null, null);
        }
    }

    /// <summary>
    /// True when <paramref name="text"/> changes the database (its first statement is not read-only, as SQLite itself
    /// judges it): such a statement on a session without a transaction goes through the writer.
    /// </summary>
    internal bool Writes(SqliteConnection connection, string text) => _writes.GetOrAdd(text, static (sql, c) =>
    {
        var rc = SQLitePCL.raw.sqlite3_prepare_v2(c.Handle, sql, out var statement, out _);
        try
        {
            // A text that does not compile is left to fail where it runs, with the usual error.
            return rc == SQLitePCL.raw.SQLITE_OK && statement is not null && !statement.IsInvalid
                   && SQLitePCL.raw.sqlite3_stmt_readonly(statement) == 0;
        }
        finally
        {
            statement?.Dispose();
        }
    }, connection);

    /// <summary>
    /// Releases the writer's turn. Commits the shared transaction first when nobody waits, when the batch is big or old
    /// enough, or when the transaction was lost (then every session in the batch fails).
    /// </summary>
    private async Task FinishTurnAsync(TaskCompletionSource? durable, Exception? failure)
    {
        try
        {
            if (durable is not null)
            {
                _durable.Add(durable);
            }
            if (_batch is not null)
            {
                if (TransactionLost())
                {
                    // SQLite rolled the whole transaction back (an I/O error, a full disk): the earlier sessions'
                    // work went with it, so they fail rather than report a write that never happened.
                    FailBatch(failure ?? new InvalidOperationException("The shared write transaction was rolled back."));
                }
                else if (Volatile.Read(ref _inside) <= 1 || _durable.Count >= MaxBatch || _closed
                         || Stopwatch.GetElapsedTime(_batchStarted) >= MaxBatchAge)
                {
                    await CommitBatchAsync();
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inside);
            if (!_holderExempt)
            {
                Interlocked.Decrement(ref _queuedWrites);
            }
            _turn.Release();
        }
    }

    /// <summary>The writer's connection: with a <see cref="Checkpointer"/>, its own auto-checkpoint is off.</summary>
    private async Task<SqliteStatements> OpenAsync()
    {
        var connection = await open();
        if (_checkpointer is not null)
        {
            connection.Prepare("PRAGMA wal_autocheckpoint = 0", null, null).ExecuteNonQuery();
        }
        // A savepoint keeps the original of every page its session changes in a statement journal, which SQLite moves
        // to a temporary file past 64 KiB: about half of a create's page writes. In memory, a journal costs what its
        // session changes; the sessions that change many pages (an import's chunk, the analysis rebuild) run alone,
        // without a savepoint (Db.WriteAloneAsync), so that only a single statement's journal is ever held.
        connection.Prepare("PRAGMA temp_store = MEMORY", null, null).ExecuteNonQuery();
        return connection;
    }

    private async Task CommitBatchAsync()
    {
        var batch = _batch!;
        _batch = null;
        var waiting = _durable.ToArray();
        _durable.Clear();
        try
        {
            await _committer.RunAsync(batch.Commit);
            batch.Dispose();
            Interlocked.Increment(ref _commits);
        }
        catch (Exception e)
        {
            Fail(waiting, e);
            Discard(batch);
            return;
        }
        foreach (var done in waiting)
        {
            done.TrySetResult();
        }
        try
        {
            await CheckpointIfDueAsync();
        }
        catch (SqliteException)
        {
            // A checkpoint that fails leaves the WAL longer, nothing else: the next one copies what this one did not.
        }
    }

    private void FailBatch(Exception cause)
    {
        var batch = _batch!;
        _batch = null;
        var waiting = _durable.ToArray();
        _durable.Clear();
        Fail(waiting, cause);
        Discard(batch);
    }

    private static void Fail(TaskCompletionSource[] waiting, Exception cause)
    {
        var unavailable = new ServiceUnavailableException("The shared commit failed; nothing of this request was written.", cause);
        foreach (var done in waiting)
        {
            done.TrySetException(unavailable);
        }
    }

    // After a failed commit or a lost transaction the connection is closed and the next session opens a fresh one.
    private void Discard(SqliteTransaction batch)
    {
        try
        {
            batch.Dispose();
        }
        catch
        {
            // Already rolled back by SQLite; the connection is closed below in any case.
        }
        _connection?.Close();
        _connection = null;
    }

    /// <summary>Pages appended to the WAL at which a checkpoint is asked for: SQLite's own auto-checkpoint threshold.</summary>
    private const int CheckpointPages = 1000;

    /// <summary>
    /// Past this many pages appended since its own last checkpoint, the writer checkpoints in its turn even if the
    /// checkpointer has not caught up (a starved thread), so that the WAL still starts over (settable for tests).
    /// </summary>
    internal int MaxPagesWithoutRestart { get; set; } = 20 * CheckpointPages;

    private long _pagesSinceRestart;

    /// <summary>
    /// After a commit, in the writer's turn: asks the <see cref="Checkpointer"/> for a checkpoint every
    /// <see cref="CheckpointPages"/> pages (SQLITE_DBSTATUS_CACHE_WRITE counts the pages this connection appended to
    /// the WAL). Once the checkpointer has caught up, the writer checkpoints the few frames appended since, between two
    /// of its transactions: SQLite starts the WAL over only at a write that begins with every frame copied back, which
    /// never happens while the writer keeps appending behind a checkpoint running beside it.
    /// </summary>
    private async Task CheckpointIfDueAsync()
    {
        if (_checkpointer is null || _connection is null)
        {
            return;
        }
        SQLitePCL.raw.sqlite3_db_status(_connection.Connection.Handle, SQLitePCL.raw.SQLITE_DBSTATUS_CACHE_WRITE, out var written, out _, 1);
        _pagesSinceCheckpoint += written;
        _pagesSinceRestart += written;
        if (_checkpointer.TakeCaughtUp() || _pagesSinceRestart >= MaxPagesWithoutRestart)
        {
            _pagesSinceRestart = 0;
            _pagesSinceCheckpoint = 0;
            await _committer.RunAsync(() => Run("PRAGMA wal_checkpoint(PASSIVE)"));
            return;
        }
        if (_pagesSinceCheckpoint >= CheckpointPages)
        {
            _pagesSinceCheckpoint = 0;
            _checkpointer.Request();
        }
    }

    private bool TransactionLost() => _batch is not null
        && (_connection is null || _connection.Connection.State != System.Data.ConnectionState.Open
            || SQLitePCL.raw.sqlite3_get_autocommit(_connection.Connection.Handle) != 0);

    private void Run(string sql) => _connection!.Prepare(sql, null, _batch).ExecuteNonQuery();

    private async Task SweepAsync()
    {
        if (_batch is null || !_turn.TryTake())
        {
            return;
        }
        try
        {
            if (_batch is not null && !TransactionLost())
            {
                await CommitBatchAsync();
            }
        }
        catch
        {
            // CommitBatchAsync fails the batch's sessions itself; the sweeper has nobody to tell.
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Stops taking sessions, lets those queued finish (their batch commits), and closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        _closed = true;
        await _sweeper.DisposeAsync();
        if (!await _turn.WaitAsync(priority: false, TimeSpan.FromSeconds(30)))
        {
            return;
        }
        try
        {
            if (_batch is not null)
            {
                await CommitBatchAsync();
            }
            _connection?.Close();
            _connection = null;
        }
        finally
        {
            _turn.Release();
            _committer.Dispose();
            _checkpointer?.Dispose();
        }
    }

    /// <summary>
    /// Copies the WAL back into the database file (a <c>PASSIVE</c> checkpoint: it waits for nobody, and readers and the
    /// writer go on meanwhile) on a thread and connection of its own, when the writer has appended enough pages. SQLite's
    /// auto-checkpoint would run it inside the commit that crossed the threshold, on the writer's connection, while the
    /// writer's turn waits: with random index pages that is a few hundred page writes and an fsync of the database file
    /// every few commits, all serial. Durability does not depend on it: a commit is durable once its WAL frames are.
    /// </summary>
    private sealed class Checkpointer : IDisposable
    {
        private readonly string _connectionString;
        private readonly SemaphoreSlim _due = new(0, 1);
        private readonly Thread _thread;
        private volatile bool _stopped;
        private volatile bool _caughtUp;

        /// <summary>Frames left in the WAL after a pass below which the checkpointer counts as caught up.</summary>
        private const long CaughtUpFrames = 64;

        /// <summary>True once after each checkpoint that caught up with the writer.</summary>
        public bool TakeCaughtUp()
        {
            if (!_caughtUp)
            {
                return false;
            }
            _caughtUp = false;
            return true;
        }

        public Checkpointer(string connectionString)
        {
            _connectionString = new SqliteConnectionStringBuilder(connectionString) { Pooling = false }.ToString();
            _thread = new Thread(Run) { IsBackground = true, Name = "iarms-sqlite-checkpoint" };
            _thread.Start();
        }

        public void Request()
        {
            try
            {
                _due.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already asked for: one checkpoint covers every page appended so far.
            }
        }

        private void Run()
        {
            SqliteConnection? connection = null;
            while (true)
            {
                _due.Wait();
                if (_stopped)
                {
                    break;
                }
                try
                {
                    if (connection is null)
                    {
                        connection = new SqliteConnection(_connectionString);
                        connection.Open();
                        using var setup = connection.CreateCommand();
                        setup.CommandText = "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000;";
                        setup.ExecuteNonQuery();
                    }
                    using var checkpoint = connection.CreateCommand();
                    checkpoint.CommandText = "PRAGMA wal_checkpoint(PASSIVE)";
                    // Again while the writer appended much during the last pass, so that what is left for the writer's
                    // own checkpoint (see CheckpointIfDueAsync) is a few frames.
                    for (var pass = 0; pass < 8; pass++)
                    {
                        using var result = checkpoint.ExecuteReader();
                        if (!result.Read() || result.GetInt64(1) - result.GetInt64(2) <= CaughtUpFrames)
                        {
                            break;
                        }
                    }
                    _caughtUp = true;
                }
                catch (SqliteException)
                {
                    // The next request tries again, on a fresh connection; the WAL only grows meanwhile.
                    connection?.Dispose();
                    connection = null;
                }
            }
            connection?.Dispose();
        }

        public void Dispose()
        {
            _stopped = true;
            Request();
            _thread.Join(TimeSpan.FromSeconds(10));
        }
    }

    /// <summary>
    /// The writer's turn: one holder at a time, waiters served first come, first served, except that priority waiters
    /// (the audit's group commit) go before the others. A waiter that gives up is removed, never handed the turn.
    /// </summary>
    private sealed class WriterTurn
    {
        private readonly Lock _lock = new();
        private readonly LinkedList<TaskCompletionSource<bool>> _priority = [];
        private readonly LinkedList<TaskCompletionSource<bool>> _others = [];
        private bool _held;

        public Task<bool> WaitAsync(bool priority, TimeSpan timeout)
        {
            LinkedListNode<TaskCompletionSource<bool>> node;
            lock (_lock)
            {
                if (!_held)
                {
                    _held = true;
                    return Task.FromResult(true);
                }
                node = (priority ? _priority : _others).AddLast(new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
            }
            var expiry = new CancellationTokenSource(timeout);
            expiry.Token.Register(() =>
            {
                lock (_lock)
                {
                    if (node.List is null)
                    {
                        return; // already handed the turn
                    }
                    node.List.Remove(node);
                }
                node.Value.TrySetResult(false);
            });
            return node.Value.Task.ContinueWith(t => { expiry.Dispose(); return t.Result; }, TaskScheduler.Default);
        }

        public bool TryTake()
        {
            lock (_lock)
            {
                if (_held)
                {
                    return false;
                }
                _held = true;
                return true;
            }
        }

        public void Release()
        {
            TaskCompletionSource<bool>? next;
            lock (_lock)
            {
                var queue = _priority.Count > 0 ? _priority : _others;
                next = queue.First?.Value;
                if (next is null)
                {
                    _held = false;
                    return;
                }
                queue.RemoveFirst();
            }
            next.TrySetResult(true);
        }
    }

    /// <summary>
    /// A thread of the writer's own for commits: a commit's fsync blocks its thread for as long as the disk takes
    /// (0.3 ms on an idle disk, 4 to 16 ms on a busy one), and on two cores the thread pool starts with two threads,
    /// which searches and reads need meanwhile. The session waiting for the commit awaits it without a thread.
    /// </summary>
    private sealed class CommitThread : IDisposable
    {
        private readonly BlockingCollection<(Action Work, TaskCompletionSource Done)> _work = [];

        public CommitThread() => new Thread(Run) { IsBackground = true, Name = "iarms-sqlite-commit" }.Start();

        public Task RunAsync(Action work)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _work.Add((work, done));
            return done.Task;
        }

        private void Run()
        {
            foreach (var (work, done) in _work.GetConsumingEnumerable())
            {
                try
                {
                    work();
                    done.SetResult();
                }
                catch (Exception e)
                {
                    done.SetException(e);
                }
            }
        }

        public void Dispose() => _work.CompleteAdding();
    }
}
