using System.Text.Json;
using IArms.Api.Agencies;
using IArms.Api.Alerts;
using IArms.Api.Audit;
using IArms.Api.Data;
using IArms.Api.Firearms;
using IArms.Api.Notices;
using IArms.Api.Operations;
using IArms.Core.Firearms;
using IArms.Core.Serials;

namespace IArms.Api.Search;

/// <summary>
/// The officer's question, "was this weapon reported anywhere?": finds, ranks and returns the
/// records the caller may see, audits the search, and alerts the owners of wanted records.
/// </summary>
public sealed class SearchService(
    Db db, SerialSearch serials, IFirearmCanonicalizer canonicalizer, AuditLog audit, NoticeIndex notices, TimeProvider clock, IArmsMetrics metrics)
{
    /// <summary>The most results one answer carries; <c>truncated</c> says when more matched.</summary>
    public const int MaxResults = 25;

    public async Task<SearchResponse> SearchAsync(SearchRequest request, Caller caller, CancellationToken ct)
    {
        var prepared = await PrepareAsync(request, caller, ct);
        await audit.WriteAsync(prepared.Entry, prepared.Hits, ct);
        Count(prepared);
        return prepared.Response;
    }

    /// <summary>
    /// Several searches, each its own audited search raising its own hits: read side by side, one per core (a search is
    /// synchronous work in SQLite, and a serial not on record reads thousands of index pages), then every audit entry
    /// submitted at once, so that the audit writer's group commit makes them a few commits, not one each. The batch
    /// itself commits nothing before its reads are done, so each connection keeps the index pages it read for its next
    /// items. If any entry cannot be written, none of the answers is given (the audit stays fail-closed).
    /// </summary>
    public async Task<IReadOnlyList<SearchResponse>> SearchManyAsync(IReadOnlyList<SearchRequest> requests, Caller caller, CancellationToken ct)
    {
        var prepared = new Prepared[requests.Count];
        await Parallel.ForEachAsync(Enumerable.Range(0, requests.Count),
            new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = ct },
            async (i, token) => prepared[i] = await PrepareAsync(requests[i], caller, token));
        await Task.WhenAll(prepared.Select(p => audit.WriteAsync(p.Entry, p.Hits, ct)));
        Array.ForEach(prepared, Count);
        return [.. prepared.Select(p => p.Response)];
    }

    /// <summary>A search read and ranked, with the audit entry and hit alerts to commit before it is answered.</summary>
    private sealed record Prepared(SearchResponse Response, AuditRecord Entry, List<NewAlert> Hits, bool Pattern);

    // Counted once answered (audited): the best match is the first result's, results being ranked best first.
    private void Count(Prepared p) =>
        metrics.SearchAnswered(p.Pattern ? "pattern" : "serial", p.Response.Results is [var best, ..] ? best.Match : "none");

    /// <summary>The answer to one search, with the audit entry and hit alerts to commit before it is given.</summary>
    private async Task<Prepared> PrepareAsync(SearchRequest request, Caller caller, CancellationToken ct)
    {
        if (!SearchQuery.TryCreate(request.SerialNumber, out var query, out var error))
        {
            throw new ArgumentException(error, nameof(request)); // the validator has already refused such a request
        }

        var (kept, responses, truncated, noticed) = await ReadAsync(request, query!, caller, ct);
        var results = kept.Select((k, i) => new SearchResult(
            responses[i], k.Match.Kind.ToString().ToLowerInvariant(), k.Match.Score, k.Match.Distance,
            k.Item.Serial.Serial, k.Item.Serial.Location,
            noticed.TryGetValue(k.Item.Row.Id, out var n) ? [.. n.Select(x => x.Notice)] : [])).ToList();

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
        // The sender of a notice that names a result (or covers its serial) is alerted too: one hit per agency and record,
        // so an owner who is also the sender gets its hit marked with the notice.
        foreach (var k in kept)
        {
            foreach (var (notice, senderId) in noticed.GetValueOrDefault(k.Item.Row.Id) ?? [])
            {
                if (senderId == caller.AgencyId)
                {
                    continue;
                }
                var existing = hits.FindIndex(h => h.AgencyId == senderId && h.FirearmId == k.Item.Row.Id);
                if (existing >= 0)
                {
                    hits[existing] = hits[existing] with { NoticeId = hits[existing].NoticeId ?? notice.Id };
                    continue;
                }
                hits.Add(new NewAlert(
                    senderId, AlertKinds.Hit,
                    $"{caller.AgencyCode} ({caller.CountryCode}) searched serial '{request.SerialNumber}' for {request.Purpose} and found record {k.Item.Row.ExternalId} of {k.Item.Row.OwnerAgency}, which your notice {notice.Id} (\"{notice.Title}\") names or covers.",
                    FirearmId: k.Item.Row.Id, FromAgencyId: caller.AgencyId, SearchId: searchId, Purpose: request.Purpose, NoticeId: notice.Id));
            }
        }

        var entry = new AuditRecord(
            clock.GetUtcNow(), caller.AgencyId, caller.AuditKeyId, AuditActions.Search, searchId, request.Purpose,
            request.CaseReference, JsonSerializer.Serialize(request with { Purpose = null, CaseReference = null }, FirearmQueries.Json), results.Count)
        {
            Officer = caller.Officer,
        };
        return new Prepared(new SearchResponse(searchId, query!.Normalized, results, truncated), entry, hits, query!.HasWildcards);
    }

    /// <summary>The page of ranked results, their records, and whether more matched than the page holds.</summary>
    private sealed record Found(
        List<((FirearmRow Row, SerialCandidate Serial) Item, SerialMatch Match)> Kept, IReadOnlyList<FirearmResponse> Responses, bool Truncated,
        Dictionary<long, List<(SearchNotice Notice, long SenderId)>> Notices);

    /// <summary>
    /// Everything the search reads, on one session (the index lookups, the records and their details), which
    /// goes back to the pool before the search waits for its audit commit.
    /// </summary>
    private async Task<Found> ReadAsync(SearchRequest request, SearchQuery query, Caller caller, CancellationToken ct)
    {
        await using var session = await db.ReadAsync(ct);
        var scope = new SearchQueries.CandidateScope(caller.AgencyId, caller.CountryCode);
        var described = new Description(request, canonicalizer);
        var loaded = new Dictionary<long, FirearmRow?>();
        SerialMatches matches;
        IReadOnlyList<FirearmRow> rows;
        if (described.IsEmpty)
        {
            // Any match answers the search, and the serial match alone orders the results.
            matches = await serials.FindAsync(session, query, scope);
            rows = await LoadBestFirstAsync(session, matches, caller);
        }
        else
        {
            // A tier answers the search only if a record it found fits the description, which is known once the
            // records are read; they are read once, kept, and ranked at the end (every match, up to the caps).
            matches = await serials.FindAsync(session, query, scope, async found =>
            {
                await LoadAsync(session, found.Keys, loaded, caller);
                return SerialMatcher.EndsSearch(found.Where(f => loaded[f.Key] is not null).Select(f => described.Adjust(f.Value.Match, loaded[f.Key]!)));
            });
            await LoadAsync(session, matches.ByFirearm.Keys, loaded, caller);
            rows = [.. matches.ByFirearm.Keys.Select(id => loaded[id]).OfType<FirearmRow>()];
        }
        var ranked = SerialMatcher.Rank(rows.Select(row => ((Row: row, Serial: matches.ByFirearm[row.Id].Serial), described.Adjust(matches.ByFirearm[row.Id].Match, row))), item => item.Row.Id);
        var kept = ranked.Take(MaxResults).ToList();
        var responses = await FirearmQueries.ToResponsesAsync(session, kept.Select(k => k.Item.Row).ToList());
        // Nothing read when no active notice names records; else one indexed lookup for the page's ids.
        var noticed = await notices.MatchAsync(session, [.. kept.Select(k => (k.Item.Row, k.Item.Serial.Serial))], caller);
        return new Found(kept, responses, matches.Truncated || ranked.Count > MaxResults || rows.Count > MaxResults, noticed);
    }

    /// <summary>
    /// The visible records behind the matches when no description ranks them: read best match first, only
    /// until one more than a page is visible.
    /// </summary>
    private static async Task<IReadOnlyList<FirearmRow>> LoadBestFirstAsync(SqlSession session, SerialMatches matches, Caller caller)
    {
        var ids = matches.ByFirearm
            .OrderBy(m => m.Value.Match, SerialMatcher.Comparer)
            .ThenBy(m => m.Key)
            .Select(m => m.Key)
            .ToList();
        var rows = new List<FirearmRow>(Math.Min(ids.Count, MaxResults + 1));
        for (var i = 0; i < ids.Count && rows.Count <= MaxResults; i += MaxResults + 1)
        {
            rows.AddRange(await FirearmQueries.LoadVisibleAsync(session, ids.Skip(i).Take(MaxResults + 1), caller));
        }
        return rows;
    }

    /// <summary>Reads the visible records among <paramref name="ids"/> not read yet into <paramref name="loaded"/>, a thousand at a time.</summary>
    private static async Task LoadAsync(SqlSession session, IEnumerable<long> ids, Dictionary<long, FirearmRow?> loaded, Caller caller)
    {
        // Ids asked once and not returned (withdrawn or hidden since the lookup) are remembered too, as absent.
        var missing = ids.Where(id => !loaded.ContainsKey(id)).ToList();
        missing.ForEach(id => loaded[id] = null);
        for (var i = 0; i < missing.Count; i += 1000)
        {
            foreach (var row in await FirearmQueries.LoadVisibleAsync(session, missing.Skip(i).Take(1000), caller))
            {
                loaded[row.Id] = row;
            }
        }
    }

    /// <summary>The make, calibre and type the officer gave, resolved once through the reference table.</summary>
    private sealed class Description(SearchRequest request, IFirearmCanonicalizer canonicalizer)
    {
        private readonly string? _make = canonicalizer.CanonicalMake(request.Make);
        private readonly string? _calibre = canonicalizer.CanonicalCalibre(request.Calibre);

        public bool IsEmpty => string.IsNullOrWhiteSpace(request.Make) && string.IsNullOrWhiteSpace(request.Calibre) && string.IsNullOrWhiteSpace(request.Type);

        /// <summary>The match adjusted for how the record fits the description.</summary>
        public SerialMatch Adjust(SerialMatch match, FirearmRow row) => SerialMatcher.WithAttributes(match,
            SerialMatcher.Agreement(request.Make, _make, row.Make, row.CanonicalMake),
            SerialMatcher.Agreement(request.Calibre, _calibre, row.Calibre, row.CanonicalCalibre),
            SerialMatcher.Agreement(request.Type, null, row.Type, null));
    }
}
