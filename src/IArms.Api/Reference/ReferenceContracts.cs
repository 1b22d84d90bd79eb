namespace IArms.Api.Reference;

/// <summary>A canonical make or calibre with the spellings that mean it; <c>score</c> ranks matches for <c>q</c>.</summary>
public sealed record ReferenceEntryResponse(long Id, string CanonicalName, string? CountryCode, IReadOnlyList<string> Aliases, double? Score);

public sealed record CreateMakeRequest(string? CanonicalName, [property: IArms.Api.Infrastructure.OpenApi.CountryCode] string? CountryCode, [property: System.ComponentModel.DataAnnotations.MaxLength(CreateMakeRequestValidator.MaxAliases)] IReadOnlyList<string>? Aliases);

public sealed record CreateCalibreRequest(string? CanonicalName, [property: System.ComponentModel.DataAnnotations.MaxLength(CreateMakeRequestValidator.MaxAliases)] IReadOnlyList<string>? Aliases);

public sealed record CreateAliasRequest(string? Alias);

/// <summary>The table after a change, and how many records were re-resolved against it.</summary>
public sealed record ReferenceChangeResponse(ReferenceEntryResponse Entry, int RecordsReResolved);

public sealed record FirearmTypeResponse(string Code, string DisplayName, string Description);

/// <summary>
/// Makes or calibres in the page shape of every list. The reference table is bounded (a few thousand names at most),
/// so the whole answer is one page: <c>nextCursor</c> is always null, and <c>limit</c> only caps how many come back.
/// </summary>
/// <param name="Items">The entries, best matches for <c>q</c> first when it is given.</param>
/// <param name="NextCursor">Always null: the answer is never split.</param>
public sealed record ReferenceEntryPage(IReadOnlyList<ReferenceEntryResponse> Items, string? NextCursor);

/// <summary>The weapon types, in the page shape of every list; a fixed vocabulary, so one page and <c>nextCursor</c> null.</summary>
/// <param name="Items">Every type a record may have.</param>
/// <param name="NextCursor">Always null: the answer is never split.</param>
public sealed record FirearmTypePage(IReadOnlyList<FirearmTypeResponse> Items, string? NextCursor);
