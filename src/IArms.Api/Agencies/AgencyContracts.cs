using IArms.Api.Infrastructure.OpenApi;
namespace IArms.Api.Agencies;

/// <summary>A national or central agency that records firearms and answers traces; <c>countryCode</c> is null for HQ unless configured.</summary>
public sealed record AgencyResponse(string Code, string Name, [property: CountryCode] string? CountryCode, DateTimeOffset CreatedAt);

public sealed record CreateAgencyRequest(string? Code, string? Name, [property: CountryCode] string? CountryCode);

public sealed record CreateApiKeyRequest([property: Vocabulary(typeof(Roles), nameof(Roles.All))] IReadOnlyList<string>? Roles, string? Label);

/// <summary>A newly issued key: <c>key</c> is shown this once and never again.</summary>
public sealed record ApiKeyCreatedResponse(long Id, string Key, string Prefix, [property: Vocabulary(typeof(Roles), nameof(Roles.All))] IReadOnlyList<string> Roles, string Label, DateTimeOffset CreatedAt);

/// <summary>A key as listed to administrators: never the secret.</summary>
public sealed record ApiKeyResponse(long Id, string Prefix, [property: Vocabulary(typeof(Roles), nameof(Roles.All))] IReadOnlyList<string> Roles, string Label, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <summary>One page of the agency directory, in code order; pass <c>nextCursor</c> back as <c>cursor</c> for the next, until it is null.</summary>
/// <param name="Items">The agencies of this page.</param>
/// <param name="NextCursor">The cursor of the next page; null on the last.</param>
public sealed record AgencyPage(IReadOnlyList<AgencyResponse> Items, string? NextCursor);

/// <summary>One page of an agency's keys, oldest first; pass <c>nextCursor</c> back as <c>cursor</c> for the next, until it is null.</summary>
/// <param name="Items">The keys of this page (never their secrets).</param>
/// <param name="NextCursor">The cursor of the next page; null on the last.</param>
public sealed record ApiKeyPage(IReadOnlyList<ApiKeyResponse> Items, string? NextCursor);
