using IArms.Api.Agencies;
using IArms.Api.Data;
using IArms.Api.Infrastructure;

namespace IArms.Api.Officers;

/// <summary>
/// All of the officer accounts' SQL: the administrators' create, list and disable, enrolment, the sign-in's reads and
/// counters, and the cheap lookup that checks a signed-in officer's account on every request.
/// </summary>
public sealed class OfficerQueries(Db db, TimeProvider clock)
{
    private const string AccountColumns = """
        o.id, o.agency_id, o.username, o.display_name, o.roles, o.password_hash, o.totp_secret, o.last_totp_step,
        o.failed_attempts, o.locked_until, o.created_at, o.enrolled_at, o.disabled_at, o.enrolment_expires_at,
        a.code AS agency_code, NULLIF(a.country_code, '') AS country_code
        """;

    // Nothing when the username is taken; the hint queues a concurrent insert of the same name behind this one.
    private static readonly Sql InsertOfficer = new(d => d.InsertReturningId(
        "INSERT INTO officer (agency_id, username, display_name, roles, enrolment_hash, enrolment_expires_at, totp_secret, created_at)",
        $"SELECT @agencyId, @username, @displayName, @roles, @enrolmentHash, @expiresAt, @totpSecret, @now WHERE NOT EXISTS (SELECT 1 FROM officer {d.LockForWrite} WHERE username = @username)"));

    private static readonly Sql SelectPage = new(d => $"""
        SELECT {d.Top("@take")} {AccountColumns}
        FROM officer o JOIN agency a ON a.id = o.agency_id
        WHERE a.code = @code AND o.id > @afterId
        ORDER BY o.id {d.Limit("@take")}
        """);

    private static readonly Sql Disable = new("""
        UPDATE officer SET disabled_at = @now, enrolment_hash = NULL
        WHERE id = @id AND disabled_at IS NULL AND agency_id = (SELECT id FROM agency WHERE code = @code)
        """);

    private static readonly Sql CountOfficer = new(
        "SELECT COUNT(*) FROM officer o JOIN agency a ON a.id = o.agency_id WHERE o.id = @id AND a.code = @code");

    private static readonly Sql SelectByEnrolment = new($"""
        SELECT {AccountColumns} FROM officer o JOIN agency a ON a.id = o.agency_id
        WHERE o.enrolment_hash = @hash AND o.disabled_at IS NULL
        """);

    // The enrolment code is spent by the same statement that sets the password, so a code enrols once.
    private static readonly Sql Enrol = new("""
        UPDATE officer SET password_hash = @passwordHash, last_totp_step = @step, enrolled_at = @now,
                           enrolment_hash = NULL, enrolment_expires_at = NULL, failed_attempts = 0, locked_until = NULL
        WHERE id = @id AND enrolment_hash = @hash AND disabled_at IS NULL
        """);

    private static readonly Sql SelectByUsername = new($"""
        SELECT {AccountColumns} FROM officer o JOIN agency a ON a.id = o.agency_id WHERE o.username = @username
        """);

    private static readonly Sql CountFailure = new("UPDATE officer SET failed_attempts = failed_attempts + 1 WHERE id = @id");

    private static readonly Sql LockIfOverLimit = new("""
        UPDATE officer SET locked_until = @lockedUntil, failed_attempts = 0 WHERE id = @id AND failed_attempts >= @limit
        """);

    // A code is accepted once: the step moves forward only, so a replay of the same (or an older) code updates nothing.
    private static readonly Sql SignedIn = new("""
        UPDATE officer SET failed_attempts = 0, locked_until = NULL, last_totp_step = @step
        WHERE id = @id AND last_totp_step < @step AND disabled_at IS NULL
        """);

    private static readonly Sql SelectLive = new("""
        SELECT o.roles, o.username, a.id AS agency_id, a.code AS agency_code, NULLIF(a.country_code, '') AS country_code
        FROM officer o JOIN agency a ON a.id = o.agency_id
        WHERE o.id = @id AND o.disabled_at IS NULL AND o.enrolled_at IS NOT NULL
        """);

    /// <summary>Creates a pending account with its enrolment code's hash and TOTP secret; null when the username is taken.</summary>
    public async Task<long?> CreateAsync(long agencyId, string username, string displayName, IReadOnlyList<string> roles,
        byte[] enrolmentHash, DateTimeOffset expiresAt, byte[] totpSecret, CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        return await CreateAsync(session, agencyId, username, displayName, roles, enrolmentHash, expiresAt, totpSecret);
    }

    /// <summary>As <see cref="CreateAsync(long, string, string, IReadOnlyList{string}, byte[], DateTimeOffset, byte[], CancellationToken)"/>, in the caller's session (the demo data).</summary>
    public Task<long?> CreateAsync(SqlSession session, long agencyId, string username, string displayName, IReadOnlyList<string> roles,
        byte[] enrolmentHash, DateTimeOffset expiresAt, byte[] totpSecret) =>
        session.QuerySingleOrDefaultAsync<long?>(InsertOfficer, new
        {
            agencyId, username, displayName, roles = ApiKeys.JoinRoles(roles), enrolmentHash, expiresAt = expiresAt.ToUniversalTime(), totpSecret,
            now = clock.GetUtcNow(),
        });

    public async Task<OfficerPage> ListAsync(string code, long afterId, int take, CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        var rows = await session.QueryAsync<AccountRow>(SelectPage, new { code, afterId, take = take + 1 });
        var now = clock.GetUtcNow();
        var items = rows.Take(take).Select(r => r.ToResponse(now)).ToList();
        return new OfficerPage(items, rows.Count > take ? Cursor.Encode(items[^1].Id) : null);
    }

    public enum DisableOutcome { Disabled, AlreadyDisabled, NotFound }

    public async Task<DisableOutcome> DisableAsync(string code, long id, CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        if (await session.ExecuteAsync(Disable, new { id, code, now = clock.GetUtcNow() }) == 1)
        {
            return DisableOutcome.Disabled;
        }
        return await session.QuerySingleAsync<long>(CountOfficer, new { id, code }) > 0 ? DisableOutcome.AlreadyDisabled : DisableOutcome.NotFound;
    }

    /// <summary>The pending account an enrolment code belongs to, or null (unknown, spent or disabled; expiry is the caller's to check).</summary>
    public async Task<AccountRow?> FindByEnrolmentAsync(byte[] hash, CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        return await session.QuerySingleOrDefaultAsync<AccountRow>(SelectByEnrolment, new { hash });
    }

    /// <summary>Sets the password and spends the code; false when the code was spent meanwhile.</summary>
    public async Task<bool> EnrolAsync(long id, byte[] hash, string passwordHash, long step, CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        return await session.ExecuteAsync(Enrol, new { id, hash, passwordHash, step, now = clock.GetUtcNow() }) == 1;
    }

    public async Task<AccountRow?> FindByUsernameAsync(string username, CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        return await session.QuerySingleOrDefaultAsync<AccountRow>(SelectByUsername, new { username });
    }

    /// <summary>Counts a failed sign-in, and locks the account once <paramref name="limit"/> have failed; true when it is now locked.</summary>
    public async Task<bool> FailedAsync(long id, int limit, DateTimeOffset lockedUntil, CancellationToken ct)
    {
        await using var session = await db.WriteAsync(ct);
        await session.ExecuteAsync(CountFailure, new { id });
        var locked = await session.ExecuteAsync(LockIfOverLimit, new { id, limit, lockedUntil = lockedUntil.ToUniversalTime() }) == 1;
        await session.CommitAsync();
        return locked;
    }

    /// <summary>Resets the counters and spends the TOTP step; false when that step (or a later one) was used already.</summary>
    public async Task<bool> SignedInAsync(long id, long step, CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        return await session.ExecuteAsync(SignedIn, new { id, step }) == 1;
    }

    /// <summary>
    /// The signed-in officer's account as it is now, or null when it was disabled: read from the primary on every
    /// request (one primary-key lookup), so that disabling an account ends its sessions at once.
    /// </summary>
    public async Task<LiveOfficer?> FindLiveAsync(long id, CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        return await session.QueryFirstOrDefaultAsync<LiveOfficer>(SelectLive, new { id });
    }

    public sealed class LiveOfficer
    {
        public string Roles { get; set; } = "";
        public string Username { get; set; } = "";
        public long AgencyId { get; set; }
        public string AgencyCode { get; set; } = "";
        public string? CountryCode { get; set; }
    }

    public sealed class AccountRow
    {
        public long Id { get; set; }
        public long AgencyId { get; set; }
        public string AgencyCode { get; set; } = "";
        public string? CountryCode { get; set; }
        public string Username { get; set; } = "";
        public string DisplayName { get; set; } = "";
        public string Roles { get; set; } = "";
        public string? PasswordHash { get; set; }
        public byte[]? TotpSecret { get; set; }
        public long LastTotpStep { get; set; }
        public int FailedAttempts { get; set; }
        public DateTimeOffset? LockedUntil { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? EnrolledAt { get; set; }
        public DateTimeOffset? DisabledAt { get; set; }
        public DateTimeOffset? EnrolmentExpiresAt { get; set; }

        public string Status(DateTimeOffset now) =>
            DisabledAt is not null ? OfficerStatuses.Disabled
            : EnrolledAt is null ? OfficerStatuses.Pending
            : LockedUntil > now ? OfficerStatuses.Locked
            : OfficerStatuses.Active;

        public OfficerResponse ToResponse(DateTimeOffset now) => new(
            Id, Username, DisplayName, [.. ApiKeys.SplitRoles(Roles).Order(StringComparer.Ordinal)], Status(now), CreatedAt, EnrolledAt, DisabledAt);
    }
}
