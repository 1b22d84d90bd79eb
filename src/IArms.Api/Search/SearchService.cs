using System.Text.Json;
using IArms.Api.Agencies;
using IArms.Api.Alerts;
using IArms.Api.Audit;
using IArms.Api.Data;
using IArms.Api.Firearms;
using IArms.Core.Firearms;
using IArms.Core.Serials;

namespace IArms.Api.Search;

/// <summary>
/// The officer's question, "was this weapon reported anywhere?": finds, ranks and returns the
/// records the caller may see, audits the search, and alerts the owners of wanted records.
/// </summary>
public sealed class SearchService(
    Db db, SerialSearch serials, IFirearmCanonicalizer canonicalizer, AuditLog audit, TimeProvider clock)
{
    /// <summary>The most results one answer carries; <c>truncated</c> says when more matched.</summary>
    public const int MaxResults = 25;

    public async Task<SearchResponse> SearchAsync(SearchRequest request, Caller caller, CancellationToken ct)
    {
        if (!SearchQuery.TryCreate(request.SerialNumber, out var query, out var error))
        {
            throw new ArgumentException(error, nameof(request)); // the validator has already refused such a request
        }

        var (kept, responses, truncated) = await ReadAsync(request, query!, caller, ct);
        var results = kept.Select((k, i) => new SearchResult(
            responses[i], k.Match.Kind.ToString().ToLowerInvariant(), k.Match.Score, k.Match.Distance,
            k.Item.Serial.Serial, k.Item.Serial.Location)).ToList();

        var searchId = Guid.CreateVersion7().ToString();
        // The owners of the wanted records returned are alerted. A vague pattern matching thousands of serials
        // is answered as truncated, to be narrowed; alerting every owner it brushed would flood their inboxes.
        var hits = kept
            .Where(k => k.Item.Row.OwnerAgencyId != caller.AgencyId && FirearmVocabulary.IsWanted(k.Item.Row.Status))
            .Select(k => new NewAlert(
                k.Item.Row.OwnerAgencyId, AlertKinds.Hit,
                $"{caller.AgencyCode} ({caller.CountryCode}) searched serial '{request.SerialNumber}' for {request.Purpose} and found your {k.Item.Row.Status} record {k.Item.Row.ExternalId} ({k.Match.Kind.ToString().ToLowerInvariant()} match).",
                FirearmId: k.Item.Row.Id, FromAgencyId: caller.AgencyId, SearchId: searchId, Purpose: request.Purpose))
            .ToList();

        var entry = new AuditRecord(
            clock.GetUtcNow(), caller.AgencyId, caller.KeyId, AuditActions.Search, searchId, request.Purpose,
            request.CaseReference, JsonSerializer.Serialize(request with { Purpose = null, CaseReference = null }, FirearmQueries.Json), results.Count);
        await audit.WriteAsync(entry, hits, ct);

        return new SearchResponse(searchId, query!.Normalized, results, truncated);
    }

    /// <summary>The page of ranked results, their records, and whether more matched than the page holds.</summary>
    private sealed record Found(
        List<((FirearmRow Row, SerialCandidate Serial) Item, SerialMatch Match)> Kept, IReadOnlyList<FirearmResponse> Responses, bool Truncated);

    /// <summary>
    /// Everything the search reads, on one session (the index lookups, the records and their details), which
    /// goes back to the pool before the search waits for its audit commit.
    /// </summary>
    private async Task<Found> ReadAsync(SearchRequest request, SearchQuery query, Caller caller, CancellationToken ct)
    {
        await using var session = await db.ReadAsync(ct);
        var matches = await serials.FindAsync(session, query);
        var attributesGiven = !string.IsNullOrWhiteSpace(request.Make) || !string.IsNullOrWhiteSpace(request.Calibre) || request.Type is not null;
        var rows = await LoadVisibleAsync(session, matches, attributesGiven, caller);
        var ranked = Rank(request, matches, rows);
        var kept = ranked.Take(MaxResults).ToList();
        var responses = await FirearmQueries.ToResponsesAsync(session, kept.Select(k => k.Item.Row).ToList());
        return new Found(kept, responses, matches.Truncated || ranked.Count > MaxResults || rows.Count > MaxResults);
    }

    /// <summary>The visible matches, best first: by serial match, then by agreement with make, calibre and type.</summary>
    private IReadOnlyList<((FirearmRow Row, SerialCandidate Serial) Item, SerialMatch Match)> Rank(
        SearchRequest request, SerialMatches matches, IReadOnlyList<FirearmRow> rows)
    {
        var wantedMake = canonicalizer.CanonicalMake(request.Make);
        var wantedCalibre = canonicalizer.CanonicalCalibre(request.Calibre);
        return SerialMatcher.Rank(
            rows.Select(row =>
            {
                var (serial, match) = matches.ByFirearm[row.Id];
                var adjusted = SerialMatcher.WithAttributes(match,
                    Agreement(request.Make, wantedMake, row.Make, row.CanonicalMake),
                    Agreement(request.Calibre, wantedCalibre, row.Calibre, row.CanonicalCalibre),
                    request.Type is null ? AttributeAgreement.NotGiven : row.Type == request.Type ? AttributeAgreement.Agrees : AttributeAgreement.Disagrees);
                return ((Row: row, Serial: serial), adjusted);
            }),
            item => item.Row.Id);
    }

    /// <summary>
    /// The visible records behind the matches. Without make, calibre or type to rank by, the serial match
    /// alone orders the results, so records are read best match first only until one more than a page is
    /// visible; with them, every matched record is read (up to the candidate cap) so that ranking is exact.
    /// </summary>
    private static async Task<IReadOnlyList<FirearmRow>> LoadVisibleAsync(
        SqlSession session, SerialMatches matches, bool attributesGiven, Caller caller)
    {
        var ids = matches.ByFirearm
            .OrderBy(m => m.Value.Match, SerialMatcher.Comparer)
            .ThenBy(m => m.Key)
            .Select(m => m.Key)
            .ToList();
        var rows = new List<FirearmRow>(Math.Min(ids.Count, MaxResults + 1));
        var chunk = attributesGiven ? 1000 : MaxResults + 1;
        for (var i = 0; i < ids.Count && (attributesGiven || rows.Count <= MaxResults); i += chunk)
        {
            rows.AddRange(await FirearmQueries.LoadVisibleAsync(session, ids.Skip(i).Take(chunk), caller));
        }
        return rows;
    }

    private static AttributeAgreement Agreement(string? asked, string? askedCanonical, string recorded, string? recordedCanonical)
    {
        if (string.IsNullOrWhiteSpace(asked))
        {
            return AttributeAgreement.NotGiven;
        }
        var same = askedCanonical is not null && recordedCanonical is not null
            ? askedCanonical == recordedCanonical
            : string.Equals(asked.Trim(), recorded.Trim(), StringComparison.OrdinalIgnoreCase);
        return same ? AttributeAgreement.Agrees : AttributeAgreement.Disagrees;
    }
}
