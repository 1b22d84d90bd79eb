using System.Security.Claims;

namespace IArms.Api.Agencies;

/// <summary>
/// The agency and key behind the current request, read from the authenticated principal. <see cref="CountryCode"/> is
/// null for an agency without a country of its own (the central agency HQ unless <c>IArms:BootstrapCountryCode</c> is
/// set): compared with a record's countries in SQL it never matches, so a country-restricted record stays hidden from it.
/// <see cref="Officer"/> names the officer signed in to the officer's page (issue 18); null for an API key, whose
/// <see cref="KeyId"/> it is. An officer acts with the account's roles inside its agency's rights, so every rule that
/// reads the agency and roles applies to both alike.
/// </summary>
public sealed record Caller(long AgencyId, string AgencyCode, string? CountryCode, long KeyId, IReadOnlySet<string> Roles)
{
    public const string OfficerClaim = "iarms:officer";
    public const string OfficerIdClaim = "iarms:officer-id";

    /// <summary>The signed-in officer's username; null for an API key.</summary>
    public string? Officer { get; init; }

    /// <summary>The signed-in officer's account id; null for an API key.</summary>
    public long? OfficerId { get; init; }

    /// <summary>The key to name in the audit log: the API key's, none for an officer (who is named instead).</summary>
    public long? AuditKeyId => Officer is null ? KeyId : null;

    public const string AgencyIdClaim = "iarms:agency-id";
    public const string AgencyCodeClaim = "iarms:agency";
    public const string CountryClaim = "iarms:country";
    public const string KeyIdClaim = "iarms:key-id";

    /// <summary>The code of the central administration's agency, created at bootstrap.</summary>
    public const string CentralAgencyCode = "HQ";

    public bool Has(string role) => Roles.Contains(role);

    /// <summary>The caller's agency is the central administration (HQ), which manages and audits every agency.</summary>
    public bool IsCentralAdministration => AgencyCode == CentralAgencyCode;

    /// <summary>An <c>admin</c> key of the central administration: manages all agencies, not only its own.</summary>
    public bool IsCentralAdmin => IsCentralAdministration && Has(Agencies.Roles.Admin);

    /// <summary>An agency's <c>admin</c> manages its own keys; the central administrator manages every agency's.</summary>
    public bool Manages(string agencyCode) => IsCentralAdmin || (Has(Agencies.Roles.Admin) && agencyCode == AgencyCode);

    /// <summary>
    /// Only the central administrator gives the <c>admin</c> role (to a key or an officer), its agency's own included:
    /// an agency admin able to mint admin credentials could keep a spare after the leaked one is revoked.
    /// </summary>
    public bool MayGrant(IEnumerable<string> roles) => IsCentralAdmin || !roles.Contains(Agencies.Roles.Admin);

    /// <summary>Lets handlers take a <see cref="Caller"/> parameter on authorised routes.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context) => ValueTask.FromResult<Caller?>(From(context.User));

    public static Caller From(ClaimsPrincipal user)
    {
        string Claim(string type) => user.FindFirstValue(type)
            ?? throw new InvalidOperationException($"The principal has no {type} claim; is the route authorised?");
        var officerId = user.FindFirstValue(OfficerIdClaim);
        return new Caller(
            long.Parse(Claim(AgencyIdClaim), System.Globalization.CultureInfo.InvariantCulture),
            Claim(AgencyCodeClaim),
            user.FindFirstValue(CountryClaim),
            long.Parse(Claim(KeyIdClaim), System.Globalization.CultureInfo.InvariantCulture),
            user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal))
        {
            Officer = user.FindFirstValue(OfficerClaim),
            OfficerId = officerId is null ? null : long.Parse(officerId, System.Globalization.CultureInfo.InvariantCulture),
        };
    }

    public ClaimsPrincipal ToPrincipal(string scheme)
    {
        var claims = new List<Claim>
        {
            new(AgencyIdClaim, AgencyId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(AgencyCodeClaim, AgencyCode),
            new(KeyIdClaim, KeyId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, Officer ?? AgencyCode),
        };
        if (Officer is not null && OfficerId is { } officerId)
        {
            claims.Add(new Claim(OfficerClaim, Officer));
            claims.Add(new Claim(OfficerIdClaim, officerId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        if (CountryCode is not null)
        {
            claims.Add(new Claim(CountryClaim, CountryCode));
        }
        claims.AddRange(Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }
}
