using Microsoft.Extensions.Options;

namespace IArms.Api.Audit;

/// <summary>Bound from the <c>Audit</c> section.</summary>
public sealed class AuditOptions
{
    public const string Section = "Audit";

    /// <summary>CJIS and the design keep the audit at least a year.</summary>
    public const int MinimumRetentionDays = 365;

    /// <summary>Entries older than this many days are purged (at least <see cref="MinimumRetentionDays"/>).</summary>
    public int RetentionDays { get; set; } = MinimumRetentionDays;

    /// <summary>Entries deleted per transaction, so that a purge never holds the writer's lock for long.</summary>
    public int PurgeBatch { get; set; } = 1000;
}

/// <summary>
/// Purges entries older than <see cref="AuditOptions.RetentionDays"/>, once a day, oldest first in batches. Each batch
/// deletes a run of entries at the start of the chain and, in the same transaction, stores the last one's id and hash
/// as the anchor, so the chain stays verifiable from the first kept entry. A batch is checked before it is deleted:
/// a broken chain stops the purge, so that evidence of tampering is never purged away.
/// </summary>
public sealed class AuditRetention(
    AuditQueries queries, AuditLog log, IOptions<AuditOptions> options, TimeProvider clock, ILogger<AuditRetention> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromDays(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await log.HeadAsync(stoppingToken); // the writer has chained what it found at start
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await PurgeAsync(stoppingToken);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "The audit purge failed; it runs again in {Interval}", Interval);
                }
                await Task.Delay(Interval, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>Purges what has expired; answers how many entries were deleted.</summary>
    public async Task<int> PurgeAsync(CancellationToken ct)
    {
        var settings = options.Value;
        var total = 0;
        while (true)
        {
            var now = clock.GetUtcNow();
            var before = now - TimeSpan.FromDays(settings.RetentionDays);
            await using var session = await queries.OpenWriteAsync(ct);
            var oldest = await AuditQueries.OldestAsync(session, settings.PurgeBatch);
            var anchor = await AuditQueries.AnchorAsync(session);
            var previous = anchor?.LastHash ?? AuditChain.Genesis;
            var expired = oldest.TakeWhile(r => r.At < before).ToList();
            if (expired.Count == 0)
            {
                return total;
            }
            foreach (var row in expired)
            {
                if (!row.FollowsFrom(previous))
                {
                    logger.LogCritical("The audit chain is broken at entry {Id}; the purge stops there and keeps the evidence", row.Id);
                    return total;
                }
                previous = row.Hash!;
            }
            await AuditQueries.PurgeAsync(session, anchor?.LastEntryId ?? 0, expired[^1].Id, previous, now);
            await session.CommitAsync();
            total += expired.Count;
            logger.LogInformation("Purged {Count} audit entries older than {Before:O}", expired.Count, before);
            if (expired.Count < oldest.Count || oldest.Count < settings.PurgeBatch)
            {
                return total;
            }
        }
    }
}
