namespace IArms.Api.Reference;

/// <summary>A canonical make or calibre with the spellings that mean it; <c>score</c> ranks matches for <c>q</c>.</summary>
public sealed record ReferenceEntryResponse(long Id, string CanonicalName, string? CountryCode, IReadOnlyList<string> Aliases, double? Score);

public sealed record CreateMakeRequest(string? CanonicalName, [property: IArms.Api.Infrastructure.OpenApi.CountryCode] string? CountryCode, [property: System.ComponentModel.DataAnnotations.MaxLength(CreateMakeRequestValidator.MaxAliases)] IReadOnlyList<string>? Aliases);

public sealed record CreateCalibreRequest(string? CanonicalName, [property: System.ComponentModel.DataAnnotations.MaxLength(CreateMakeRequestValidator.MaxAliases)] IReadOnlyList<string>? Aliases);

public sealed record CreateAliasRequest(string? Alias);

/// <summary>The table after a change, and how many records were re-resolved against it.</summary>
public sealed record ReferenceChangeResponse(ReferenceEntryResponse Entry, int RecordsReResolved);

public sealed record FirearmTypeResponse(string Code, string DisplayName, string Description);
