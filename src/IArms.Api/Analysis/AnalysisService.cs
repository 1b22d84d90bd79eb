using System.Text;
using System.Xml;
using IArms.Api.Agencies;
using IArms.Api.Data;
using IArms.Api.Firearms;
using IArms.Core.Analysis;
using IArms.Core.Tracing;

namespace IArms.Api.Analysis;

/// <summary>
/// The analysis reads: rows from the derived tables, restricted to what the caller may see (<see cref="AnalysisQueries"/>),
/// turned into answers by Core's analyses. Handlers pass validated queries.
/// </summary>
public sealed class AnalysisService(AnalysisQueries queries, IFirearmCanonicalizer canonicalizer)
{
    /// <summary>The caller and the filters given, as every analysis statement binds them.</summary>
    public FilterArgs Filters(Caller caller, IAnalysisFilters? filters = null, IRouteFilters? route = null)
    {
        var make = string.IsNullOrWhiteSpace(filters?.Make) ? null : filters.Make.Trim();
        return new FilterArgs
        {
            callerAgencyId = caller.AgencyId,
            callerCountry = caller.CountryCode,
            since = AnalysisVocabulary.Date(filters?.Since),
            until = AnalysisVocabulary.Date(filters?.Until),
            make = make is null ? null : canonicalizer.CanonicalMake(make) ?? make,
            makeLower = make?.ToLowerInvariant(),
            type = filters?.Type,
            fromCountry = route?.FromCountry,
            toCountry = route?.ToCountry,
            reason = route?.Reason,
        };
    }

    private FilterArgs Filters(Caller caller, string? make, string? type) =>
        Filters(caller, new RecordFilters(make, type));

    public async Task<RoutesResponse> RoutesAsync(RoutesQuery query, Caller caller, CancellationToken ct)
    {
        var rows = await queries.RoutesAsync(Filters(caller, query, query), ct);
        return new RoutesResponse(rows.Select(r => new RouteItem(
            r.FromCountry, r.ToCountry, (int)r.Firearms, (int)r.Licensed, (int)(r.Firearms - r.Licensed), r.FirstSeen, r.LastSeen)).ToList());
    }

    public async Task<DiversionSourcesResponse> DiversionSourcesAsync(DiversionSourcesQuery query, Caller caller, CancellationToken ct)
    {
        var groupBy = query.GroupBy ?? "country";
        var grouping = groupBy switch
        {
            "party" => DiversionGrouping.Party,
            "reason" => DiversionGrouping.Reason,
            "partyKind" => DiversionGrouping.PartyKind,
            _ => DiversionGrouping.Country,
        };
        var args = Filters(caller, query, query) with { limit = query.Limit ?? AnalysisVocabulary.DefaultLimit };
        IEnumerable<DiversionSourceGroup> groups;
        if (grouping == DiversionGrouping.Party)
        {
            // Only the page's parties' rows are read; Core groups them as it would all rows (spelling, median).
            var rows = await queries.DiversionsOfTopPartiesAsync(args, ct);
            var facts = rows.Select(r => new DiversionFact(
                r.FirearmId, r.CountryCode,
                r.PartyId is null ? null : new PartyRef(r.PartyId, r.PartyName ?? "", Kind(r.PartyKind), r.PartyCountry),
                Reason(r.Reason), r.TimeToCrimeDays, r.DiversionDate));
            groups = DiversionSources.Aggregate(facts, grouping);
        }
        else
        {
            // Counted in the database; ordered again here as DiversionSources.Aggregate orders (ordinal keys).
            groups = (await queries.DiversionGroupsAsync(grouping, args, ct))
                .OrderByDescending(g => g.Firearms).ThenBy(g => g.GroupKey, StringComparer.Ordinal)
                .Select(g => new DiversionSourceGroup(
                    grouping == DiversionGrouping.Country && g.GroupKey.Length > 0 ? g.GroupKey : null,
                    null,
                    grouping == DiversionGrouping.Reason ? Reason(g.GroupKey) : null,
                    grouping == DiversionGrouping.PartyKind && g.GroupKey.Length > 0 ? Kind(g.GroupKey) : null,
                    (int)g.Firearms,
                    g.MedianTimeToCrimeDays));
        }
        return new DiversionSourcesResponse(groupBy, groups.Select(g => new DiversionSourceItem(
            g.CountryCode,
            g.Party is null ? null : ToParty(g.Party),
            g.Reason is { } reason ? CustodyVocabulary.ToWire(reason) : null,
            g.PartyKind is { } kind ? CustodyVocabulary.ToWire(kind) : null,
            g.Firearms,
            g.MedianTimeToCrimeDays)).ToList());
    }

    public async Task<PartiesResponse> PartiesAsync(PartiesQuery query, Caller caller, CancellationToken ct)
    {
        var role = query.Role is null ? PartyRole.None : RoleOf(query.Role);
        var minFirearms = query.MinFirearms ?? 2;
        var limit = query.Limit ?? AnalysisVocabulary.DefaultLimit;
        var rows = await queries.RankedPartyRowsAsync(
            Filters(caller, query.Make, query.Type) with { role = (int)role, minFirearms = minFirearms, limit = limit }, ct);
        var firearms = rows.GroupBy(r => r.FirearmId).Select(g => new FirearmParties(
            g.Key, Diverted: true,
            g.Select(r => new ChainParty(new PartyRef(r.PartyId, r.Name, Kind(r.Kind), r.CountryCode), (PartyRole)r.Roles)).ToList(),
            []));
        var ranked = PartyRoles.Rank(firearms, minFirearms, role).Take(limit);
        return new PartiesResponse(ranked.Select(p => new PartyItem(
            p.Party.Id, p.Party.Name, CustodyVocabulary.ToWire(p.Party.Kind), p.Party.CountryCode, p.Firearms,
            new PartyRoleCounts(p.Roles.LastLawfulHolder, p.Roles.Buyer, p.Roles.Seller, p.Roles.Exporter, p.Roles.Importer),
            p.FirearmIds)).ToList());
    }

    /// <summary>The connected part of the visible firearm–party graph around a party; null when the caller sees none of its chains.</summary>
    public async Task<NetworkResponse?> NetworkAsync(string partyId, int depth, Caller caller, CancellationToken ct)
    {
        await using var session = await queries.ReadSessionAsync(ct);
        var args = Filters(caller);
        var (network, parties, firearms) = await WalkAsync(session, args, partyId, depth);
        if (network.Nodes.Count == 0)
        {
            return null;
        }
        var nodes = network.Nodes.Select(n => n.Kind == NetworkNodeKind.Party
            ? parties.TryGetValue(n.PartyId!, out var p)
                ? new NetworkNodeItem(n.Id, "party", n.Depth, n.PartyId, p.Name, CustodyVocabulary.ToWire(p.Kind), p.CountryCode, null, null, null, null, null, null)
                : new NetworkNodeItem(n.Id, "party", n.Depth, n.PartyId, null, null, null, null, null, null, null, null, null)
            : firearms.TryGetValue(n.FirearmId!.Value, out var f)
                ? new NetworkNodeItem(n.Id, "firearm", n.Depth, null, null, null, null, f.Id, f.SerialNumber, f.Make, f.Model, f.Type, f.Status)
                : new NetworkNodeItem(n.Id, "firearm", n.Depth, null, null, null, null, n.FirearmId, null, null, null, null, null)).ToList();
        var edges = network.Edges.Select(e => new NetworkEdgeItem(e.From, e.To, CustodyVocabulary.ToWire(e.EventType), e.Date)).ToList();
        return new NetworkResponse(nodes, edges);
    }

    /// <summary>The same graph as <see cref="NetworkAsync"/>, as a GraphML document; null when the caller sees none of the party's chains.</summary>
    public async Task<byte[]?> GraphMLAsync(string partyId, int depth, Caller caller, CancellationToken ct)
    {
        await using var session = await queries.ReadSessionAsync(ct);
        var (network, parties, firearms) = await WalkAsync(session, Filters(caller), partyId, depth);
        if (network.Nodes.Count == 0)
        {
            return null;
        }
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (id, party) in parties)
        {
            labels[NetworkNode.PartyNodeId(id)] = party.Name;
        }
        foreach (var (id, firearm) in firearms)
        {
            labels[NetworkNode.FirearmNodeId(id)] = $"{firearm.Make} {firearm.Model} {firearm.SerialNumber}".Trim();
        }
        using var stream = new MemoryStream();
        using (var writer = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = true, Async = false }))
        {
            GraphMLWriter.Write(writer, network, labels);
        }
        return stream.ToArray();
    }

    /// <summary>
    /// Breadth-first over the visible edges, one statement per level (all the frontier's edges at once), then
    /// <see cref="PartyNetwork.Around(IEnumerable{FirearmPartyEdge}, string, int)"/> on what was read, with the labels of its nodes.
    /// </summary>
    private static async Task<(Network Network, Dictionary<string, PartyRef> Parties, Dictionary<long, AnalysisQueries.FirearmLabelRow> Firearms)> WalkAsync(
        SqlSession session, FilterArgs args, string partyId, int depth)
    {
        var edges = new HashSet<FirearmPartyEdge>();
        var seenParties = new HashSet<string>(StringComparer.Ordinal) { partyId };
        var seenFirearms = new HashSet<long>();
        List<string> partyFrontier = [partyId];
        List<long> firearmFrontier = [];
        for (var d = 1; d <= depth; d++)
        {
            var odd = d % 2 == 1;
            var rows = await AnalysisQueries.EdgesAsync(session, args, odd ? partyFrontier : [], odd ? [] : firearmFrontier);
            partyFrontier = [];
            firearmFrontier = [];
            foreach (var r in rows)
            {
                edges.Add(new FirearmPartyEdge(r.FirearmId, r.PartyId, EventType(r.EventType), r.EventDate));
                if (odd && seenFirearms.Add(r.FirearmId))
                {
                    firearmFrontier.Add(r.FirearmId);
                }
                else if (!odd && seenParties.Add(r.PartyId))
                {
                    partyFrontier.Add(r.PartyId);
                }
            }
        }

        var network = PartyNetwork.Around(edges, partyId, depth);
        var partyIds = network.Nodes.Where(n => n.PartyId is not null).Select(n => n.PartyId!).ToList();
        var firearmIds = network.Nodes.Where(n => n.FirearmId is not null).Select(n => n.FirearmId!.Value).ToList();
        var parties = new Dictionary<string, PartyRef>(StringComparer.Ordinal);
        var firearms = new Dictionary<long, AnalysisQueries.FirearmLabelRow>();
        if (network.Nodes.Count > 0)
        {
            // A party's name as the visible chains in the network spell it most often.
            parties = (await AnalysisQueries.PartyNamesAsync(session, args, partyIds, firearmIds))
                .GroupBy(r => r.PartyId, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g
                    .GroupBy(r => (r.Name, r.Kind, r.CountryCode))
                    .OrderByDescending(s => s.Count()).ThenBy(s => s.Key.Name, StringComparer.Ordinal)
                    .Select(s => new PartyRef(g.Key, s.Key.Name, Kind(s.Key.Kind), s.Key.CountryCode))
                    .First(), StringComparer.Ordinal);
            firearms = (await AnalysisQueries.FirearmLabelsAsync(session, args, firearmIds)).ToDictionary(f => f.Id);
        }
        return (network, parties, firearms);
    }

    public Task<SerialRunsResponse> SerialRunsAsync(SerialRunsQuery query, Caller caller, CancellationToken ct) =>
        SerialRunsAsync(query, caller, fromKeptRuns: true, ct);

    /// <summary>
    /// The page of runs. Up to the kept runs' gap (<see cref="SerialRuns.DefaultMaxGap"/>) they are found from the kept
    /// runs (<see cref="AnalysisQueries.TopRunsAsync"/>), reading only the members of the largest; a wider maxGap, or
    /// <paramref name="fromKeptRuns"/> false (the tests' oracle), chains every visible candidate of the make, as before
    /// the runs were kept. Both give the same runs in the same order.
    /// </summary>
    internal async Task<SerialRunsResponse> SerialRunsAsync(SerialRunsQuery query, Caller caller, bool fromKeptRuns, CancellationToken ct)
    {
        var maxGap = query.MaxGap ?? SerialRuns.DefaultMaxGap;
        var args = Filters(caller, query) with
        {
            maxGap = maxGap,
            runMake = string.IsNullOrWhiteSpace(query.Make) ? null : AnalysisQueries.MakeKey(canonicalizer.CanonicalMake(query.Make), query.Make),
        };
        var take = query.Limit ?? Infrastructure.Cursor.DefaultLimit;
        var offset = (int)Math.Min(Infrastructure.Cursor.DecodeId(query.Cursor) ?? 0, int.MaxValue - Infrastructure.Cursor.MaxLimit - 1);
        // Runs are found without the party lists (most candidates are on no page shown); the page's runs get their
        // common parties after, by the same rule (SerialRuns.CommonParties). One run more than the page tells
        // whether another page follows.
        IReadOnlyList<SerialRun> runs = fromKeptRuns && maxGap <= SerialRuns.DefaultMaxGap
            ? await queries.TopRunsAsync(args, offset + take + 1, ct)
            : SerialRuns.Find((await queries.RunCandidatesAsync(args, ct)).Select(c => c.ToCandidate()), maxGap);
        var shown = runs.Skip(offset).Take(take).ToList();
        var parties = await queries.PartiesOfFirearmsAsync(shown.SelectMany(r => r.FirearmIds), ct);
        var page = shown.Select(r => new SerialRunItem(
            r.CanonicalMake, r.Model, r.FirstSerial, r.LastSerial, r.FirearmIds, r.Countries, r.FirstEvent, r.LastEvent,
            SerialRuns.CommonParties(r.FirearmIds.Select(id => parties[id])))).ToList();
        return new SerialRunsResponse(page, offset + take < runs.Count ? Infrastructure.Cursor.Encode(offset + take) : null);
    }

    public async Task<TrendsResponse> TrendsAsync(TrendsQuery query, Caller caller, CancellationToken ct)
    {
        var metric = query.Metric switch
        {
            "thefts" => TrendMetric.Thefts,
            "losses" => TrendMetric.Losses,
            "seizures" => TrendMetric.Seizures,
            _ => TrendMetric.Traces,
        };
        var by = query.By ?? "month";
        var period = by switch
        {
            "quarter" => TrendPeriod.Quarter,
            "year" => TrendPeriod.Year,
            _ => TrendPeriod.Month,
        };
        var args = Filters(caller, query);
        IReadOnlyList<TrendPoint> points;
        if (metric == TrendMetric.Traces)
        {
            // Requests are few (iARMS: 80,000 in all), so their dates are filtered here rather than per engine.
            var dates = (await queries.TraceRequestTimesAsync(args, ct))
                .Select(t => DateOnly.FromDateTime(t.UtcDateTime))
                .Where(d => (args.since is null || d >= args.since) && (args.until is null || d <= args.until));
            points = Trends.Bucket(dates, period, args.since, args.until);
        }
        else
        {
            var rows = await queries.EventDaysAsync(args with { types = SqlList.Of(Trends.EventTypes(metric).Select(CustodyVocabulary.ToWire)) }, ct);
            points = Trends.BucketCounts(rows.Select(r => (r.Day, r.Count)), period, args.since, args.until);
        }
        return new TrendsResponse(query.Metric!, by, points.Select(p => new TrendItem(p.Period, p.Start, p.Count)).ToList());
    }

    private static PartyRole RoleOf(string role) => role switch
    {
        "last-lawful-holder" => PartyRole.LastLawfulHolder,
        "buyer" => PartyRole.Buyer,
        "seller" => PartyRole.Seller,
        "exporter" => PartyRole.Exporter,
        _ => PartyRole.Importer,
    };

    private static AnalysisParty ToParty(PartyRef p) => new(p.Id, p.Name, CustodyVocabulary.ToWire(p.Kind), p.CountryCode);

    private static PartyKind Kind(string? wire) => CustodyVocabulary.TryParsePartyKind(wire, out var kind) ? kind : PartyKind.Unknown;

    private static DiversionReason Reason(string wire) =>
        CustodyVocabulary.TryParseDiversionReason(wire, out var reason) ? reason : throw new InvalidOperationException($"Unknown diversion reason '{wire}' in firearm_diversion.");

    private static CustodyEventType EventType(string wire) =>
        CustodyVocabulary.TryParseEventType(wire, out var type) ? type : throw new InvalidOperationException($"Unknown event type '{wire}' in firearm_party_edge.");

    private sealed record RecordFilters(string? Make, string? Type) : IAnalysisFilters
    {
        public string? Since => null;
        public string? Until => null;
    }
}
