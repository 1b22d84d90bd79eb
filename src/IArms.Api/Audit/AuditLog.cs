using System.Diagnostics;
using System.Threading.Channels;
using IArms.Api.Alerts;
using IArms.Api.Data;
using IArms.Api.Operations;

namespace IArms.Api.Audit;

/// <summary>
/// The durable audit trail, written with group commit: concurrent writers queue their entries, one
/// writer commits whatever has queued in a single transaction, and each caller's task completes only
/// once its entry is on disk. An fsync is shared by every search waiting at that moment, so the audit
/// does not cap throughput, yet no answer is sent before its audit entry is durable. If the write fails,
/// the callers' tasks fail, and so do their requests.
/// </summary>
/// <remarks>
/// Being the single writer of the log, it keeps the hash chain's head (the last entry's id and hash) in memory:
/// loaded at start, after chaining any entries written before the chain existed, and moved only once a batch has
/// committed. Retention's purge deletes from the other end and never touches the head.
/// </remarks>
public sealed class AuditLog(Db db, AlertQueries alerts, IHttpContextAccessor http, IArmsMetrics metrics, ILogger<AuditLog> logger) : BackgroundService
{
    private const int MaxBatch = 512;
    private const int ChainBatch = 1000;

    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile ChainHead _head = new(0, AuditChain.Genesis);

    /// <summary>The id and hash of the last entry written (id 0 and the genesis hash before the first).</summary>
    public sealed record ChainHead(long Id, byte[] Hash);

    /// <summary>The chain's head, once the writer has loaded it.</summary>
    public async Task<ChainHead> HeadAsync(CancellationToken ct)
    {
        await _started.Task.WaitAsync(ct);
        return _head;
    }

    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(16_384)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    /// <summary>Writes the entry, and the alerts it raises, durably; completes when they are committed.</summary>
    public async Task WriteAsync(AuditRecord entry, IReadOnlyList<NewAlert> raised, CancellationToken ct)
    {
        // An entry written by a handler (the search) comes from the request being served: it is from that address.
        if (entry.SourceAddress is null && http.HttpContext?.Connection.RemoteIpAddress is { } address)
        {
            entry = entry with { SourceAddress = address.ToString() };
        }
        // The request's wait for the group commit, in its trace; the commit's own span links back to it.
        using var span = Telemetry.Source.StartActivity("audit.write");
        var pending = new Pending(entry, raised, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously), Activity.Current?.Context);
        try
        {
            await _queue.Writer.WriteAsync(pending, ct);
        }
        catch (ChannelClosedException)
        {
            throw new ServiceUnavailableException("The service is shutting down; the request was not audited.");
        }
        // Not cancelled with the request: once queued, the entry is written whether or not the client waits.
        await pending.Done.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        try
        {
            try
            {
                await LoadHeadAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Without the head nothing can be chained: callers fail (503) rather than wait, and the host stops.
                logger.LogCritical(e, "The audit chain's head could not be loaded");
                _started.TrySetException(e);
                _queue.Writer.TryComplete(e);
                while (_queue.Reader.TryRead(out var item))
                {
                    item.Done.TrySetException(new ServiceUnavailableException("The audit log is unavailable; the request was not audited.", e));
                }
                throw;
            }
            _started.TrySetResult();
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var item))
                {
                    batch.Add(item);
                }
                await CommitAsync(batch);
                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested && _started.Task.IsCompletedSuccessfully)
        {
            // Shutting down (the server has stopped taking requests and finished those in flight): nothing more is
            // queued, and what was queued before is written, not failed. The host's ShutdownTimeout bounds the wait.
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var item))
            {
                batch.Add(item);
                if (batch.Count == MaxBatch || !_queue.Reader.TryPeek(out _))
                {
                    await CommitAsync(batch);
                    batch.Clear();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopped before the head was loaded: nothing can be chained, so fail what is queued rather than leave callers waiting.
            _queue.Writer.TryComplete();
            while (_queue.Reader.TryRead(out var item))
            {
                item.Done.TrySetException(new ServiceUnavailableException("The service is shutting down; the audit entry was not written."));
            }
        }
    }

    private async Task CommitAsync(List<Pending> batch)
    {
        try
        {
            await WriteBatchAsync(batch);
            batch.ForEach(p => p.Done.TrySetResult());
        }
        catch (Exception e) when (batch.Count > 1 && !db.Dialect.IsTransient(e))
        {
            // One bad entry must not fail its neighbours: retry each alone. (A busy or timed-out database
            // would fail each retry just as slowly, so then the whole batch fails at once instead.)
            logger.LogWarning(e, "Audit batch of {Count} failed; retrying entries one by one", batch.Count);
            foreach (var item in batch)
            {
                await CommitAsync([item]);
            }
        }
        catch (Exception e)
        {
            logger.LogError(e, "{Count} audit entries could not be written", batch.Count);
            // Answered as 503: the request was refused because the audit is down, not because of the request.
            var unavailable = new ServiceUnavailableException("The audit entry could not be written.", e);
            batch.ForEach(p => p.Done.TrySetException(unavailable));
        }
    }

    private async Task WriteBatchAsync(List<Pending> batch)
    {
        using var span = Telemetry.Source.StartActivity("audit.commit", ActivityKind.Internal, parentContext: default,
            links: batch.Where(p => p.Trace is not null).Select(p => new ActivityLink(p.Trace!.Value)));
        span?.SetTag("iarms.audit.batch_size", batch.Count);
        var started = Stopwatch.GetTimestamp();
        var head = _head;
        // Exempt from the writer's back-pressure: every answered request needs its entry.
        await using var session = await db.WriteExemptAsync(CancellationToken.None);
        foreach (var pending in batch)
        {
            var hash = AuditChain.Next(head.Hash, pending.Entry);
            head = new ChainHead(await AuditQueries.InsertAsync(session, pending.Entry, hash), hash);
        }
        await alerts.AddAsync(session, batch.SelectMany(p => p.Alerts));
        await session.CommitAsync();
        // Only a committed batch moves the head: a rolled-back one leaves the chain where it was.
        _head = head;
        metrics.AuditCommitted(batch.Count, Stopwatch.GetElapsedTime(started));
    }

    /// <summary>
    /// Loads the head, first chaining (in id order, one transaction per batch, so that a long legacy log never holds
    /// the write lock for long) any entries that have no hash yet: those written before migration 0021. The first of
    /// them chains to the newest chained entry, the retention anchor, or the genesis hash.
    /// </summary>
    private async Task LoadHeadAsync(CancellationToken ct)
    {
        ChainHead head;
        await using (var session = await db.PrimaryAsync(ct))
        {
            var last = await AuditQueries.LastChainedAsync(session);
            var anchor = await AuditQueries.AnchorAsync(session);
            head = last is { Hash: { } hash } ? new ChainHead(last.Id, hash)
                : anchor is not null ? new ChainHead(anchor.LastEntryId, anchor.LastHash)
                : new ChainHead(0, AuditChain.Genesis);
        }
        var chained = 0;
        while (true)
        {
            await using var session = await db.WriteAsync(ct);
            var unchained = await AuditQueries.UnchainedAsync(session, head.Id, ChainBatch);
            foreach (var row in unchained)
            {
                var next = AuditChain.Next(head.Hash, row.ToRecord());
                await AuditQueries.SetHashAsync(session, row.Id, next);
                head = new ChainHead(row.Id, next);
            }
            await session.CommitAsync();
            chained += unchained.Count;
            if (unchained.Count < ChainBatch)
            {
                break;
            }
        }
        if (chained > 0)
        {
            logger.LogInformation("Chained {Count} audit entries written before the hash chain existed", chained);
        }
        _head = head;
    }

    private sealed record Pending(AuditRecord Entry, IReadOnlyList<NewAlert> Alerts, TaskCompletionSource Done, ActivityContext? Trace);
}
