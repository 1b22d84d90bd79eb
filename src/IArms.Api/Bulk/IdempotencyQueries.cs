using IArms.Api.Data;

namespace IArms.Api.Bulk;

/// <summary>All of the Idempotency-Key store's SQL: claiming a key, recording the first answer, releasing, purging.</summary>
public sealed class IdempotencyQueries(Db db, TimeProvider clock)
{
    /// <summary>How long a first answer is replayed.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(24);

    /// <summary>
    /// A claim older than this without an answer belongs to a process that died mid-request (the answer is recorded in
    /// the same request that made the claim). Whether that request took effect is unknown, so it is never run again
    /// under the same key: a resend is told to look before it sends the request again under a new key.
    /// </summary>
    public static readonly TimeSpan InFlightTimeout = TimeSpan.FromMinutes(5);

    // Only an expired entry gives its key back: an interrupted claim keeps it, so that a resend cannot repeat its work.
    private static readonly Sql DeleteStale = new("""
        DELETE FROM idempotency_entry WHERE agency_id = @agencyId AND idempotency_key = @key AND created_at < @expired
        """);

    // Claims the key unless it is held; the primary key settles a race between two claims.
    private static readonly Sql Claim = new("""
        INSERT INTO idempotency_entry (agency_id, idempotency_key, request_hash, created_at)
        SELECT @agencyId, @key, @hash, @now
        WHERE NOT EXISTS (SELECT 1 FROM idempotency_entry WHERE agency_id = @agencyId AND idempotency_key = @key)
        """);

    private static readonly Sql SelectEntry = new("""
        SELECT request_hash, status, headers, body, created_at FROM idempotency_entry WHERE agency_id = @agencyId AND idempotency_key = @key
        """);

    private static readonly Sql Complete = new("""
        UPDATE idempotency_entry SET status = @status, headers = @headers, body = @body, completed_at = @now
        WHERE agency_id = @agencyId AND idempotency_key = @key AND status IS NULL
        """);

    private static readonly Sql Release = new(
        "DELETE FROM idempotency_entry WHERE agency_id = @agencyId AND idempotency_key = @key AND status IS NULL");

    private static readonly Sql Purge = new("DELETE FROM idempotency_entry WHERE created_at < @expired");

    /// <summary>
    /// Claims <paramref name="key"/> for a request whose hash is <paramref name="hash"/>: null when the claim is the
    /// caller's, else the entry that holds the key (in flight when its <see cref="StoredEntry.Status"/> is null).
    /// </summary>
    public async Task<StoredEntry?> ClaimAsync(long agencyId, string key, byte[] hash, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var session = await db.PrimaryAsync(ct);
        await session.ExecuteAsync(DeleteStale, new { agencyId, key, expired = now - Retention });
        try
        {
            if (await session.ExecuteAsync(Claim, new { agencyId, key, hash, now }) == 1)
            {
                return null;
            }
        }
        catch (Exception e) when (session.Dialect.IsUniqueViolation(e))
        {
            // Another request claimed the key between the check and the insert: it holds the key.
        }
        await using var reread = await db.PrimaryAsync(ct);
        return await reread.QuerySingleOrDefaultAsync<StoredEntry>(SelectEntry, new { agencyId, key })
            // Released between the two statements: the caller may retry at once.
            ?? new StoredEntry { RequestHash = hash, CreatedAt = now };
    }

    /// <summary>Records the first answer under the caller's claim.</summary>
    public async Task CompleteAsync(long agencyId, string key, int status, string headers, byte[] body, CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        await session.ExecuteAsync(Complete, new { agencyId, key, status, headers, body, now = clock.GetUtcNow() });
    }

    /// <summary>Gives the key back after a request that failed without an answer worth replaying (an exception, a 5xx).</summary>
    public async Task ReleaseAsync(long agencyId, string key, CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        await session.ExecuteAsync(Release, new { agencyId, key });
    }

    /// <summary>Deletes every entry past its retention; answers how many.</summary>
    public async Task<int> PurgeAsync(CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        return await session.ExecuteAsync(Purge, new { expired = clock.GetUtcNow() - Retention });
    }

    /// <summary>An entry of the store: the request's hash and, once answered, the answer.</summary>
    public sealed class StoredEntry
    {
        public byte[] RequestHash { get; set; } = [];
        public int? Status { get; set; }
        public string? Headers { get; set; }
        public byte[]? Body { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
    }
}
