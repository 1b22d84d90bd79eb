using IArms.Api.Infrastructure;
using IArms.Api.Data;

namespace IArms.Api.Agencies;

/// <summary>
/// All of the agencies feature's SQL: agencies, their API keys, and the key lookup behind authentication.
/// Each route's work is one statement (or a write and its check), so the methods open their own session;
/// the <see cref="SqlSession"/> overloads run inside a caller's transaction (bootstrap, demo data).
/// </summary>
public sealed class AgencyQueries(Db db, TimeProvider clock, LiveKeyCache keys)
{
    /// <summary>One page of the directory in code order, after <c>@afterCode</c> ('' for the first).</summary>
    private static readonly Sql SelectAgencies = new(d =>
        $"SELECT {d.Top("@take")} code, name, NULLIF(country_code, '') AS country_code, created_at FROM agency WHERE code > @afterCode ORDER BY code {d.Limit("@take")}");

    private static readonly Sql SelectAgencyId = new("SELECT id FROM agency WHERE code = @code");

    // Nothing when the code is taken; the hint queues a concurrent insert of the same code behind this one.
    private static readonly Sql InsertAgency = new(d => d.InsertReturningId(
        "INSERT INTO agency (code, name, country_code, created_at)",
        $"SELECT @code, @name, @countryCode, @now WHERE NOT EXISTS (SELECT 1 FROM agency {d.LockForWrite} WHERE code = @code)"));

    private static readonly Sql InsertKey = new(d => d.InsertReturningId(
        "INSERT INTO api_key (agency_id, key_hash, key_prefix, roles, label, created_at)",
        "VALUES (@agencyId, @hash, @prefix, @roles, @label, @now)"));

    private static readonly Sql SelectKeys = new(d => $"""
        SELECT {d.Top("@take")} k.id, k.key_prefix AS prefix, k.roles, k.label, k.created_at, k.revoked_at
        FROM api_key k JOIN agency a ON a.id = k.agency_id
        WHERE a.code = @code AND k.id > @afterId
        ORDER BY k.id {d.Limit("@take")}
        """);

    // The key to revoke, held until the revocation commits, so that two revocations of HQ's last two admin keys queue.
    private static readonly Sql SelectLiveKeyOf = new(d => $"""
        SELECT k.roles FROM api_key k {d.LockForWrite} JOIN agency a ON a.id = k.agency_id
        WHERE k.id = @id AND a.code = @code AND k.revoked_at IS NULL
        """);

    private static readonly Sql CountOtherCentralAdminKeys = new(d => $"""
        SELECT COUNT(*) FROM api_key k {d.LockForWrite} JOIN agency a ON a.id = k.agency_id
        WHERE a.code = @code AND k.revoked_at IS NULL AND k.id <> @id AND k.roles LIKE '%admin%'
        """);

    private static readonly Sql RevokeKey = new("""
        UPDATE api_key SET revoked_at = @now
        WHERE id = @id AND revoked_at IS NULL
          AND agency_id = (SELECT id FROM agency WHERE code = @code)
        """);

    private static readonly Sql CountKey = new(
        "SELECT COUNT(*) FROM api_key k JOIN agency a ON a.id = k.agency_id WHERE k.id = @id AND a.code = @code");

    private static readonly Sql CountAdminKeys = new("SELECT COUNT(*) FROM api_key WHERE revoked_at IS NULL AND roles LIKE '%admin%'");

    private static readonly Sql CountKeyHash = new("SELECT COUNT(*) FROM api_key WHERE key_hash = @hash");

    private static readonly Sql SelectLiveKey = new("""
        SELECT k.id AS key_id, k.key_hash, k.roles, a.id AS agency_id, a.code AS agency_code, NULLIF(a.country_code, '') AS country_code
        FROM api_key k
        JOIN agency a ON a.id = k.agency_id
        WHERE k.key_hash = @hash AND k.revoked_at IS NULL
        """);

    public async Task<AgencyPage> ListAsync(string afterCode, int limit, CancellationToken ct)
    {
        await using var session = await db.ReadAsync(ct);
        var rows = await session.QueryAsync<AgencyRow>(SelectAgencies, new { afterCode, take = limit + 1 });
        var items = rows.Take(limit).Select(r => new AgencyResponse(r.Code, r.Name, r.CountryCode, r.CreatedAt)).ToList();
        return new AgencyPage(items, rows.Count > limit ? Cursor.Encode(items[^1].Code) : null);
    }

    public async Task<long?> FindIdAsync(string code, CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        return await FindIdAsync(session, code);
    }

    public static Task<long?> FindIdAsync(SqlSession session, string code) =>
        session.QuerySingleOrDefaultAsync<long?>(SelectAgencyId, new { code });

    /// <summary>Creates the agency; null when the code is taken. A null country is stored as '' (see <see cref="InsertAsync"/>).</summary>
    public async Task<AgencyResponse?> CreateAsync(string code, string name, string? countryCode, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var session = await db.PrimaryAsync(ct);
        return await InsertAsync(session, code, name, countryCode, now) is null ? null : new AgencyResponse(code, name, countryCode, now);
    }

    /// <summary>
    /// Inserts the agency; its id, or null when the code is taken. An agency without a country (HQ, unless configured)
    /// is stored with '' and read back as null: agency.country_code predates the rule, and SQLite cannot relax the NOT
    /// NULL of a table other tables reference inside a migration's transaction.
    /// </summary>
    public static Task<long?> InsertAsync(SqlSession session, string code, string name, string? countryCode, DateTimeOffset now) =>
        session.QuerySingleOrDefaultAsync<long?>(InsertAgency, new { code, name, countryCode = countryCode ?? "", now });

    public async Task<ApiKeyCreatedResponse> CreateKeyAsync(long agencyId, IReadOnlyList<string> roles, string label, CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        return await CreateKeyAsync(session, agencyId, ApiKeys.NewKey(), roles, label);
    }

    /// <summary>Stores a key whose secret the caller chose (bootstrap and demo data) or generated.</summary>
    public async Task<ApiKeyCreatedResponse> CreateKeyAsync(SqlSession session, long agencyId, string key, IReadOnlyList<string> roles, string label)
    {
        var now = clock.GetUtcNow();
        var joined = ApiKeys.JoinRoles(roles);
        var prefix = ApiKeys.DisplayPrefix(key);
        var id = await session.QuerySingleAsync<long>(InsertKey, new { agencyId, hash = ApiKeys.Hash(key), prefix, roles = joined, label, now });
        return new ApiKeyCreatedResponse(id, key, prefix, [.. ApiKeys.SplitRoles(joined).Order(StringComparer.Ordinal)], label, now);
    }

    public async Task<ApiKeyPage> ListKeysAsync(string code, long afterId, int limit, CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        var rows = await session.QueryAsync<KeyRow>(SelectKeys, new { code, afterId, take = limit + 1 });
        var items = rows.Take(limit)
            .Select(r => new ApiKeyResponse(r.Id, r.Prefix, [.. ApiKeys.SplitRoles(r.Roles).Order(StringComparer.Ordinal)], r.Label, r.CreatedAt, r.RevokedAt))
            .ToList();
        return new ApiKeyPage(items, rows.Count > limit ? Cursor.Encode(items[^1].Id) : null);
    }

    public enum RevokeOutcome { Revoked, AlreadyRevoked, NotFound, LastCentralAdmin }

    /// <summary>Revokes the key, unless it is the central agency's last active admin key (the check and the revocation commit together).</summary>
    public async Task<RevokeOutcome> RevokeAsync(string code, long id, CancellationToken ct)
    {
        await using var session = await db.WriteAsync(ct);
        var roles = await session.QuerySingleOrDefaultAsync<string>(SelectLiveKeyOf, new { id, code });
        if (roles is not null && code == Caller.CentralAgencyCode && ApiKeys.SplitRoles(roles).Contains(Roles.Admin)
            && await session.QuerySingleAsync<long>(CountOtherCentralAdminKeys, new { id, code }) == 0)
        {
            return RevokeOutcome.LastCentralAdmin;
        }
        if (await session.ExecuteAsync(RevokeKey, new { id, code, now = clock.GetUtcNow() }) == 1)
        {
            await session.CommitAsync();
            keys.Invalidate();
            return RevokeOutcome.Revoked;
        }
        return await session.QuerySingleAsync<long>(CountKey, new { id, code }) > 0 ? RevokeOutcome.AlreadyRevoked : RevokeOutcome.NotFound;
    }

    /// <summary>True when a key with this secret was ever issued, revoked or not.</summary>
    public static async Task<bool> KeyExistsAsync(SqlSession session, string key) =>
        await session.QuerySingleAsync<long>(CountKeyHash, new { hash = ApiKeys.Hash(key) }) > 0;

    public static async Task<bool> AnyAdminKeyAsync(SqlSession session) =>
        await session.QuerySingleAsync<long>(CountAdminKeys) > 0;

    /// <summary>
    /// The live key with this hash and its agency, or null. Read from the primary, never a replica: a revoked key
    /// must stop working at once. Runs on every request: from the cache when the key was seen in the last seconds
    /// (<see cref="LiveKeyCache"/>), else with a statement that stays prepared on SQLite.
    /// </summary>
    public async Task<LiveKey?> FindLiveKeyAsync(byte[] hash, CancellationToken ct)
    {
        if (keys.Find(hash) is { } cached)
        {
            return cached;
        }
        var generation = keys.Generation;
        await using var session = await db.PrimaryAsync(ct);
        var key = await session.QueryFirstOrDefaultAsync<LiveKey>(SelectLiveKey, new { hash });
        if (key is not null)
        {
            keys.Store(hash, key, generation);
        }
        return key;
    }

    public sealed class LiveKey
    {
        public long KeyId { get; set; }
        public byte[] KeyHash { get; set; } = [];
        public string Roles { get; set; } = "";
        public long AgencyId { get; set; }
        public string AgencyCode { get; set; } = "";
        public string? CountryCode { get; set; }
    }

    private sealed class AgencyRow
    {
        public string Code { get; set; } = "";
        public string Name { get; set; } = "";
        public string? CountryCode { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
    }

    private sealed class KeyRow
    {
        public long Id { get; set; }
        public string Prefix { get; set; } = "";
        public string Roles { get; set; } = "";
        public string Label { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? RevokedAt { get; set; }
    }
}
