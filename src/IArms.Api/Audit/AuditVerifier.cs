using System.Security.Cryptography;

namespace IArms.Api.Audit;

/// <summary>
/// Walks the hash chain from the first kept entry (from the retention anchor, or the genesis hash) to the writer's
/// head, recomputing every hash. An edited entry fails its own hash; a deleted or inserted one fails the entry
/// after it; entries missing at the end fail against the head the writer holds in memory.
/// </summary>
public sealed class AuditVerifier(AuditQueries queries, AuditLog log)
{
    private const int Batch = 2000;

    public async Task<AuditVerification> VerifyAsync(CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var result = await WalkAsync(ct);
            // A purge that ran during the walk moves the anchor and removes what was being read: walk again.
            if (result.Verified || attempt == 2 || !await AnchorMovedAsync(result.AnchorEntryId, ct))
            {
                return result;
            }
        }
    }

    private async Task<bool> AnchorMovedAsync(long? anchorId, CancellationToken ct)
    {
        await using var session = await queries.OpenPrimaryAsync(ct);
        return (await AuditQueries.AnchorAsync(session))?.LastEntryId != anchorId;
    }

    private async Task<AuditVerification> WalkAsync(CancellationToken ct)
    {
        var head = await log.HeadAsync(ct);
        await using var session = await queries.OpenPrimaryAsync(ct);
        var anchor = await AuditQueries.AnchorAsync(session);
        var (afterId, previous) = anchor is null ? (0L, AuditChain.Genesis) : (anchor.LastEntryId, anchor.LastHash);
        long entries = 0;
        long? first = null, last = null;

        AuditVerification Broken(long id, string reason) => new(false, entries, first, last, id, reason, anchor?.LastEntryId);

        while (true)
        {
            var rows = await AuditQueries.RangeAsync(session, afterId, head.Id, Batch);
            foreach (var row in rows)
            {
                if (!row.FollowsFrom(previous))
                {
                    return Broken(row.Id, row.Hash is null
                        ? "The entry has no hash."
                        : "The entry's hash does not follow from its fields and the entry before it: it was edited, or an entry before it was removed or inserted.");
                }
                previous = row.Hash!;
                afterId = row.Id;
                first ??= row.Id;
                last = row.Id;
                entries++;
            }
            if (rows.Count < Batch)
            {
                break;
            }
        }

        // The newest entry must be the one the writer last wrote (or, when retention purged everything, the anchor).
        if (head.Id > (anchor?.LastEntryId ?? 0) && (last != head.Id || !CryptographicOperations.FixedTimeEquals(previous, head.Hash)))
        {
            return Broken(head.Id, "The newest entry the writer wrote is missing or altered.");
        }
        if (anchor is not null && head.Id == anchor.LastEntryId && !CryptographicOperations.FixedTimeEquals(anchor.LastHash, head.Hash))
        {
            return Broken(head.Id, "The retention anchor does not match the newest entry the writer wrote.");
        }
        return new AuditVerification(true, entries, first, last, null, null, anchor?.LastEntryId);
    }
}
