using System.Threading.Channels;
using IArms.Api.Alerts;
using IArms.Api.Data;

namespace IArms.Api.Audit;

/// <summary>One line of the audit log.</summary>
public sealed record AuditRecord(
    DateTimeOffset At, long AgencyId, long KeyId, string Action, string? SearchId, string? Purpose,
    string? CaseReference, string Query, int ResultCount);

/// <summary>
/// The durable audit trail, written with group commit: concurrent writers queue their entries, one
/// writer commits whatever has queued in a single transaction, and each caller's task completes only
/// once its entry is on disk. An fsync is shared by every search waiting at that moment, so the audit
/// does not cap throughput, yet no answer is sent before its audit entry is durable. If the write fails,
/// the callers' tasks fail, and so do their searches.
/// </summary>
public sealed class AuditLog(Db db, AlertQueries alerts, ILogger<AuditLog> logger) : BackgroundService
{
    private const int MaxBatch = 512;

    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(16_384)
    {
        SingleReader = true,
        FullMode = BoundedChannelFullMode.Wait,
    });

    /// <summary>Writes the entry, and the alerts it raises, durably; completes when they are committed.</summary>
    public async Task WriteAsync(AuditRecord entry, IReadOnlyList<NewAlert> raised, CancellationToken ct)
    {
        var pending = new Pending(entry, raised, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        try
        {
            await _queue.Writer.WriteAsync(pending, ct);
        }
        catch (ChannelClosedException)
        {
            throw new ServiceUnavailableException("The service is shutting down; the search was not audited, so it was not performed.");
        }
        // Not cancelled with the request: once queued, the entry is written whether or not the client waits.
        await pending.Done.Task;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(MaxBatch);
        try
        {
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
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: fail what is still queued rather than leave callers waiting.
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
            batch.ForEach(p => p.Done.TrySetException(e));
        }
    }

    private async Task WriteBatchAsync(List<Pending> batch)
    {
        await using var session = await db.WriteAsync(CancellationToken.None);
        foreach (var pending in batch)
        {
            await AuditQueries.InsertAsync(session, pending.Entry);
        }
        await alerts.AddAsync(session, batch.SelectMany(p => p.Alerts));
        await session.CommitAsync();
    }

    private sealed record Pending(AuditRecord Entry, IReadOnlyList<NewAlert> Alerts, TaskCompletionSource Done);
}
