using IArms.Api.Infrastructure.OpenApi;
using IArms.Core.Firearms;
using IArms.Api.Firearms;
using IArms.Api.Notices;

namespace IArms.Api.Search;

/// <summary>
/// A serial search. In <c>serialNumber</c>, <c>?</c> stands for one unreadable character and
/// <c>*</c> for a run of them. Make, calibre and type, when given, rank matching records first.
/// </summary>
public sealed record SearchRequest(string? SerialNumber, string? Make, string? Calibre, [property: Vocabulary(typeof(FirearmVocabulary), nameof(FirearmVocabulary.Types))] string? Type, [property: Vocabulary(typeof(SearchPurposes), nameof(SearchPurposes.All))] string? Purpose, string? CaseReference);

/// <summary>One record found, with how its serial matched (exact, normalized, confusable, wildcard, partial, fuzzy).</summary>
/// <param name="Firearm">The record.</param>
/// <param name="Match">How its serial matched: exact, normalized, confusable, wildcard, partial, fuzzy.</param>
/// <param name="Score">The match's score, higher is better.</param>
/// <param name="Distance">The edit distance of a fuzzy match (0 otherwise).</param>
/// <param name="MatchedSerial">The serial of the record that matched.</param>
/// <param name="MatchedLocation">Where that serial is marked (main, slide, barrel...).</param>
/// <param name="Notices">Active notices addressed to the searcher's country that name the record or cover its serial (empty when none).</param>
public sealed record SearchResult(
    FirearmResponse Firearm, string Match, double Score, int Distance, string MatchedSerial, string MatchedLocation, IReadOnlyList<SearchNotice> Notices);

/// <summary>
/// The answer: best match first. <c>truncated</c> is true when more records matched than were
/// returned, or the query was too vague to examine every candidate.
/// </summary>
public sealed record SearchResponse(string SearchId, string NormalizedSerial, [property: System.ComponentModel.DataAnnotations.MaxLength(SearchService.MaxResults)] IReadOnlyList<SearchResult> Results, bool Truncated);

public static class SearchPurposes
{
    public static readonly IReadOnlyList<string> All = ["seizure", "investigation", "border-control", "licensing", "other"];
}
