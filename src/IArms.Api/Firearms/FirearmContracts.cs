using IArms.Api.Infrastructure.OpenApi;
using IArms.Core.Firearms;
using IArms.Core.Reference;

namespace IArms.Api.Firearms;

/// <summary>A further serial stamped on a part of the weapon (slide, barrel, frame...).</summary>
public sealed record OtherSerial([property: Vocabulary(typeof(FirearmVocabulary), nameof(FirearmVocabulary.SerialLocations))] string? Location, string? Value);

/// <summary>Who may see a record: everyone (<c>all</c>) or the agencies of the listed countries. The owner always sees its own.</summary>
public sealed record Visibility([property: Vocabulary(typeof(FirearmVocabulary), nameof(FirearmVocabulary.VisibilityScopes))] string? Scope, [property: CountryCode] [property: System.ComponentModel.DataAnnotations.MaxLength(FirearmRequestValidator.MaxVisibilityCountries)] IReadOnlyList<string>? Countries);

/// <summary>A firearm record as a national system sends it (create and replace).</summary>
public sealed record FirearmRequest(
    string? ExternalId,
    string? SerialNumber,
    [property: System.ComponentModel.DataAnnotations.MaxLength(FirearmRequestValidator.MaxOtherSerials)] IReadOnlyList<OtherSerial>? OtherSerials,
    string? Make,
    string? Model,
    string? Calibre,
    [property: Vocabulary(typeof(FirearmVocabulary), nameof(FirearmVocabulary.Types))] string? Type,
    [property: CountryCode] string? CountryOfManufacture,
    int? YearOfManufacture,
    string? ImportMarking,
    [property: Vocabulary(typeof(FirearmVocabulary), nameof(FirearmVocabulary.Statuses))] string? Status,
    DateOnly? EventDate,
    [property: CountryCode] string? EventCountryCode,
    string? EventPlace,
    string? CaseReference,
    bool? ObliteratedSerial,
    Visibility? Visibility,
    string? Notes);

/// <summary>
/// A stored firearm record. <c>dataQuality</c> scores how identifiable it is (0-100) and lists what to fix,
/// such as a make or calibre the reference table does not know.
/// </summary>
public sealed record FirearmResponse(
    long Id,
    string OwnerAgency,
    string ExternalId,
    string SerialNumber,
    string NormalizedSerial,
    [property: System.ComponentModel.DataAnnotations.MaxLength(FirearmRequestValidator.MaxOtherSerials)] IReadOnlyList<OtherSerial> OtherSerials,
    string Make,
    string Model,
    string Calibre,
    [property: Vocabulary(typeof(FirearmVocabulary), nameof(FirearmVocabulary.Types))] string Type,
    string? CanonicalMake,
    string? CanonicalCalibre,
    [property: CountryCode] string? CountryOfManufacture,
    int? YearOfManufacture,
    string ImportMarking,
    [property: Vocabulary(typeof(FirearmVocabulary), nameof(FirearmVocabulary.Statuses))] string Status,
    DateOnly? EventDate,
    [property: CountryCode] string? EventCountryCode,
    string EventPlace,
    string CaseReference,
    bool ObliteratedSerial,
    Visibility Visibility,
    string Notes,
    DataQualityReport DataQuality,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

/// <summary>
/// One page of records; pass <c>nextCursor</c> back as <c>cursor</c> for the next, until it is null. With
/// <c>updatedSince</c>, <c>withdrawn</c> lists the records withdrawn since then (tombstones), under the same cursor, so
/// that a mirror applying both lists page by page stays exact; without it, <c>withdrawn</c> is empty.
/// </summary>
/// <param name="Items">The live records of this page, in id order.</param>
/// <param name="NextCursor">The cursor of the next page; null on the last.</param>
public sealed record FirearmPage(IReadOnlyList<FirearmResponse> Items, string? NextCursor)
{
    /// <summary>
    /// The records of this page withdrawn since <c>updatedSince</c>: delete them from a mirror. Only records the
    /// caller could see when they were withdrawn; empty without <c>updatedSince</c>.
    /// </summary>
    public IReadOnlyList<WithdrawnFirearm> Withdrawn { get; init; } = [];
}

/// <summary>A tombstone: a record withdrawn by its owner; it no longer answers reads, searches or traces.</summary>
/// <param name="Id">The withdrawn record's id.</param>
/// <param name="ExternalId">The owner's externalId of the record (it may since name a new record).</param>
/// <param name="WithdrawnAt">When the owner withdrew it.</param>
public sealed record WithdrawnFirearm(long Id, string ExternalId, DateTimeOffset WithdrawnAt);
