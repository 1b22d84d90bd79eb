using System.Security.Claims;

namespace IArms.Api.Agencies;

/// <summary>The agency and key behind the current request, read from the authenticated principal.</summary>
public sealed record Caller(long AgencyId, string AgencyCode, string CountryCode, long KeyId, IReadOnlySet<string> Roles)
{
    public const string AgencyIdClaim = "iarms:agency-id";
    public const string AgencyCodeClaim = "iarms:agency";
    public const string CountryClaim = "iarms:country";
    public const string KeyIdClaim = "iarms:key-id";

    public bool Has(string role) => Roles.Contains(role);

    /// <summary>Lets handlers take a <see cref="Caller"/> parameter on authorised routes.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context) => ValueTask.FromResult<Caller?>(From(context.User));

    public static Caller From(ClaimsPrincipal user)
    {
        string Claim(string type) => user.FindFirstValue(type)
            ?? throw new InvalidOperationException($"The principal has no {type} claim; is the route authorised?");
        return new Caller(
            long.Parse(Claim(AgencyIdClaim), System.Globalization.CultureInfo.InvariantCulture),
            Claim(AgencyCodeClaim),
            Claim(CountryClaim),
            long.Parse(Claim(KeyIdClaim), System.Globalization.CultureInfo.InvariantCulture),
            user.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet(StringComparer.Ordinal));
    }

    public ClaimsPrincipal ToPrincipal(string scheme)
    {
        var claims = new List<Claim>
        {
            new(AgencyIdClaim, AgencyId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(AgencyCodeClaim, AgencyCode),
            new(CountryClaim, CountryCode),
            new(KeyIdClaim, KeyId.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(ClaimTypes.Name, AgencyCode),
        };
        claims.AddRange(Roles.Select(r => new Claim(ClaimTypes.Role, r)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, scheme));
    }
}
