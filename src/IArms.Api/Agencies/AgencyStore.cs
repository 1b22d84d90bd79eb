using System.Data.Common;
using Dapper;
using IArms.Api.Data;

namespace IArms.Api.Agencies;

/// <summary>Agencies and keys in the database.</summary>
public sealed class AgencyStore(Db db, TimeProvider clock)
{
    private static readonly SqlText SelectAgencies = SqlText.Same("""
        SELECT code AS Code, name AS Name, country_code AS CountryCode, created_at AS CreatedAt
        FROM agency ORDER BY code
        """);

    private static readonly SqlText SelectAgencyId = SqlText.Same("SELECT id FROM agency WHERE code = @code");

    private static readonly SqlText InsertAgency = new(
        Sqlite: """
            INSERT INTO agency (code, name, country_code, created_at) VALUES (@code, @name, @countryCode, @now)
            ON CONFLICT (code) DO NOTHING
            RETURNING id
            """,
        SqlServer: """
            INSERT INTO agency (code, name, country_code, created_at)
            OUTPUT INSERTED.id
            SELECT @code, @name, @countryCode, @now
            WHERE NOT EXISTS (SELECT 1 FROM agency WITH (UPDLOCK, HOLDLOCK) WHERE code = @code)
            """);

    private static readonly SqlText InsertKey = new(
        Sqlite: """
            INSERT INTO api_key (agency_id, key_hash, key_prefix, roles, label, created_at)
            VALUES (@agencyId, @hash, @prefix, @roles, @label, @now)
            RETURNING id
            """,
        SqlServer: """
            INSERT INTO api_key (agency_id, key_hash, key_prefix, roles, label, created_at)
            OUTPUT INSERTED.id
            VALUES (@agencyId, @hash, @prefix, @roles, @label, @now)
            """);

    private static readonly SqlText SelectKeys = SqlText.Same("""
        SELECT k.id AS Id, k.key_prefix AS Prefix, k.roles AS Roles, k.label AS Label,
               k.created_at AS CreatedAt, k.revoked_at AS RevokedAt
        FROM api_key k JOIN agency a ON a.id = k.agency_id
        WHERE a.code = @code
        ORDER BY k.id
        """);

    private static readonly SqlText RevokeKey = SqlText.Same("""
        UPDATE api_key SET revoked_at = @now
        WHERE id = @id AND revoked_at IS NULL
          AND agency_id = (SELECT id FROM agency WHERE code = @code)
        """);

    private static readonly SqlText KeyExists = SqlText.Same("""
        SELECT COUNT(*) FROM api_key k JOIN agency a ON a.id = k.agency_id WHERE k.id = @id AND a.code = @code
        """);

    private static readonly SqlText CountAdminKeys = SqlText.Same("""
        SELECT COUNT(*) FROM api_key WHERE revoked_at IS NULL AND roles LIKE '%admin%'
        """);

    public async Task<IReadOnlyList<AgencyResponse>> ListAsync(CancellationToken ct)
    {
        await using var connection = await db.OpenReadOnlyAsync(ct);
        var rows = await connection.QueryAsync<AgencyRow>(new CommandDefinition(db.Sql(SelectAgencies), cancellationToken: ct));
        return rows.Select(r => new AgencyResponse(r.Code, r.Name, r.CountryCode, r.CreatedAt)).ToList();
    }

    public async Task<long?> FindIdAsync(string code, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(db.Sql(SelectAgencyId), new { code }, cancellationToken: ct));
    }

    /// <summary>Creates the agency; null when the code is taken.</summary>
    public async Task<AgencyResponse?> CreateAsync(string code, string name, string countryCode, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenAsync(ct);
        var id = await connection.QuerySingleOrDefaultAsync<long?>(
            new CommandDefinition(db.Sql(InsertAgency), new { code, name, countryCode, now }, cancellationToken: ct));
        return id is null ? null : new AgencyResponse(code, name, countryCode, now);
    }

    public async Task<ApiKeyCreatedResponse> CreateKeyAsync(long agencyId, IReadOnlyList<string> roles, string label, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        return await CreateKeyAsync(connection, null, agencyId, ApiKeys.NewKey(), roles, label, ct);
    }

    /// <summary>Stores a key whose secret the caller chose (bootstrap and demo data) or generated.</summary>
    public async Task<ApiKeyCreatedResponse> CreateKeyAsync(
        DbConnection connection, DbTransaction? transaction, long agencyId, string key, IReadOnlyList<string> roles, string label, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var joined = ApiKeys.JoinRoles(roles);
        var prefix = ApiKeys.DisplayPrefix(key);
        var id = await connection.QuerySingleAsync<long>(new CommandDefinition(
            db.Sql(InsertKey),
            new { agencyId, hash = ApiKeys.Hash(key), prefix, roles = joined, label, now },
            transaction,
            cancellationToken: ct));
        return new ApiKeyCreatedResponse(id, key, prefix, [.. ApiKeys.SplitRoles(joined).Order(StringComparer.Ordinal)], label, now);
    }

    public async Task<IReadOnlyList<ApiKeyResponse>> ListKeysAsync(string code, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var rows = await connection.QueryAsync<KeyRow>(new CommandDefinition(db.Sql(SelectKeys), new { code }, cancellationToken: ct));
        return rows.Select(r => new ApiKeyResponse(r.Id, r.Prefix, [.. ApiKeys.SplitRoles(r.Roles).Order(StringComparer.Ordinal)], r.Label, r.CreatedAt, r.RevokedAt)).ToList();
    }

    public enum RevokeOutcome { Revoked, AlreadyRevoked, NotFound }

    public async Task<RevokeOutcome> RevokeAsync(string code, long id, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        var changed = await connection.ExecuteAsync(new CommandDefinition(db.Sql(RevokeKey), new { id, code, now = clock.GetUtcNow() }, cancellationToken: ct));
        if (changed == 1)
        {
            return RevokeOutcome.Revoked;
        }
        var exists = await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(KeyExists), new { id, code }, cancellationToken: ct));
        return exists > 0 ? RevokeOutcome.AlreadyRevoked : RevokeOutcome.NotFound;
    }

    private static readonly SqlText KeyHashExists = SqlText.Same("SELECT COUNT(*) FROM api_key WHERE key_hash = @hash");

    /// <summary>True when a key with this secret was ever issued, revoked or not.</summary>
    public async Task<bool> KeyExistsAsync(DbConnection connection, DbTransaction transaction, string key, CancellationToken ct) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(KeyHashExists), new { hash = ApiKeys.Hash(key) }, transaction, cancellationToken: ct)) > 0;

    public async Task<bool> AnyAdminKeyAsync(DbConnection connection, DbTransaction transaction, CancellationToken ct) =>
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(CountAdminKeys), transaction: transaction, cancellationToken: ct)) > 0;

    private sealed class AgencyRow
    {
        public string Code { get; set; } = "";
        public string Name { get; set; } = "";
        public string CountryCode { get; set; } = "";
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
