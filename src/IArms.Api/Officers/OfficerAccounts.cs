using IArms.Api.Agencies;
using IArms.Core.Security;
using Microsoft.AspNetCore.Identity;

namespace IArms.Api.Officers;

/// <summary>
/// The rules of officer accounts: an enrolment code is 32 random bytes shown once and stored as its SHA-256 (like an
/// API key), valid 72 hours; enrolment sets a password of at least 12 characters, hashed with ASP.NET Core's
/// <see cref="PasswordHasher{TUser}"/> (PBKDF2), and proves the TOTP second factor with a first code. Sign-in needs
/// the password and a fresh TOTP code; 5 failures in a row lock the account for 30 minutes. Neither password nor code
/// is ever stored in clear or logged.
/// </summary>
public sealed class OfficerAccounts(OfficerQueries queries, TimeProvider clock)
{
    public const int MinPasswordLength = 12;
    public const int MaxFailedAttempts = 5;
    public static readonly TimeSpan LockDuration = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan EnrolmentLifetime = TimeSpan.FromHours(72);

    /// <summary>The issuer an authenticator app lists the account under.</summary>
    public const string Issuer = "IArms";

    private static readonly PasswordHasher<OfficerQueries.AccountRow> Hasher = new();

    /// <summary>A new one-time enrolment code, its hash to store, and the TOTP secret the officer will enrol.</summary>
    public static (string Code, byte[] Hash, byte[] Secret) NewEnrolment()
    {
        var code = ApiKeys.NewKey()["iak_".Length..];
        return (code, ApiKeys.Hash(code), Totp.NewSecret());
    }

    public static string EnrolmentPath(string code) => $"/enrol?code={Uri.EscapeDataString(code)}";

    /// <summary>The pending account of a live (unspent, unexpired) enrolment code, or null.</summary>
    public async Task<OfficerQueries.AccountRow?> PendingAsync(string? code, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(code) || code.Length > 100)
        {
            return null;
        }
        var row = await queries.FindByEnrolmentAsync(ApiKeys.Hash(code), ct);
        return row is null || row.EnrolmentExpiresAt <= clock.GetUtcNow() || row.TotpSecret is null ? null : row;
    }

    public abstract record EnrolOutcome
    {
        public sealed record Enrolled(string Username) : EnrolOutcome;
        public sealed record UnknownCode : EnrolOutcome;
        public sealed record Invalid(IDictionary<string, string[]> Errors) : EnrolOutcome;
    }

    public async Task<EnrolOutcome> EnrolAsync(string? code, string? password, string? confirmation, string? totpCode, CancellationToken ct)
    {
        var account = await PendingAsync(code, ct);
        if (account is null)
        {
            return new EnrolOutcome.UnknownCode();
        }
        var errors = new Dictionary<string, string[]>();
        if (password is null || password.Length < MinPasswordLength)
        {
            errors["password"] = [$"The password must have at least {MinPasswordLength} characters."];
        }
        else if (password.Length > 200)
        {
            errors["password"] = ["The password must have at most 200 characters."];
        }
        else if (password != confirmation)
        {
            errors["confirmation"] = ["The two passwords differ."];
        }
        var step = Totp.Verify(account.TotpSecret!, totpCode, clock.GetUtcNow(), account.LastTotpStep);
        if (step is null)
        {
            errors["totpCode"] = ["That is not the current code of the authenticator app: add the key shown above, then type the 6 digits it shows now."];
        }
        if (errors.Count > 0)
        {
            return new EnrolOutcome.Invalid(errors);
        }
        var hash = Hasher.HashPassword(account, password!);
        return await queries.EnrolAsync(account.Id, ApiKeys.Hash(code!), hash, step!.Value, ct)
            ? new EnrolOutcome.Enrolled(account.Username)
            : new EnrolOutcome.UnknownCode();
    }

    /// <summary>
    /// Creates an account already enrolled with a chosen password and secret: the demo officer only, whose
    /// credentials are printed by <c>scripts/run.sh</c> (demo databases only). Null when the username is taken.
    /// </summary>
    public async Task<long?> CreateEnrolledAsync(long agencyId, string username, string displayName, IReadOnlyList<string> roles,
        string password, byte[] secret, CancellationToken ct)
    {
        var (_, hash, _) = NewEnrolment();
        var id = await queries.CreateAsync(agencyId, username, displayName, roles, hash, clock.GetUtcNow() + EnrolmentLifetime, secret, ct);
        if (id is not null)
        {
            await queries.EnrolAsync(id.Value, hash, Hasher.HashPassword(new OfficerQueries.AccountRow(), password), 0, ct);
        }
        return id;
    }

    public abstract record SignInOutcome
    {
        public sealed record SignedIn(Caller Caller, string DisplayName) : SignInOutcome;
        public sealed record Refused : SignInOutcome;
        public sealed record Locked(DateTimeOffset Until) : SignInOutcome;
    }

    /// <summary>
    /// Checks the password and the TOTP code. Every refusal reads the same (no telling a wrong password from a wrong
    /// code or an unknown name) except the lock, which the officer needs to know about to stop trying.
    /// </summary>
    public async Task<SignInOutcome> SignInAsync(string? username, string? password, string? totpCode, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(username) || username.Length > 64 || string.IsNullOrEmpty(password) || password.Length > 200)
        {
            return new SignInOutcome.Refused();
        }
        var account = await queries.FindByUsernameAsync(username.Trim().ToLowerInvariant(), ct);
        if (account is null || account.DisabledAt is not null || account.PasswordHash is null || account.TotpSecret is null)
        {
            // Hashing anyway keeps the answer as slow for an unknown name as for a known one.
            Hasher.VerifyHashedPassword(new OfficerQueries.AccountRow(), DummyHash, password);
            return new SignInOutcome.Refused();
        }
        var now = clock.GetUtcNow();
        if (account.LockedUntil is { } until && until > now)
        {
            return new SignInOutcome.Locked(until);
        }
        var passwordOk = Hasher.VerifyHashedPassword(account, account.PasswordHash, password) != PasswordVerificationResult.Failed;
        var step = Totp.Verify(account.TotpSecret, totpCode, now, account.LastTotpStep);
        if (!passwordOk || step is null || !await queries.SignedInAsync(account.Id, step.Value, ct))
        {
            var lockedUntil = now + LockDuration;
            return await queries.FailedAsync(account.Id, MaxFailedAttempts, lockedUntil, ct)
                ? new SignInOutcome.Locked(lockedUntil)
                : new SignInOutcome.Refused();
        }
        var caller = new Caller(account.AgencyId, account.AgencyCode, account.CountryCode, 0, ApiKeys.SplitRoles(account.Roles))
        {
            Officer = account.Username,
            OfficerId = account.Id,
        };
        return new SignInOutcome.SignedIn(caller, account.DisplayName);
    }

    private static readonly string DummyHash = Hasher.HashPassword(new OfficerQueries.AccountRow(), "not a password of anyone's");
}
