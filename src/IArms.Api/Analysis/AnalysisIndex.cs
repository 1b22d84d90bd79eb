using IArms.Api.Data;
using IArms.Api.Tracing;
using IArms.Core.Analysis;
using IArms.Core.Tracing;

namespace IArms.Api.Analysis;

/// <summary>
/// Keeps the analysis tables (migration 0023: route legs, diversions, chain parties and graph edges, serial
/// shapes, and the party keys with their resolved ids; migration 0027: each row's copy of its record's owner, scope,
/// type and make, and the shapes' neighbour gaps; migration 0028: the serial runs) in step with the chains and records, inside the
/// transaction that changes them. Every write path that changes what the analysis reads calls
/// <see cref="RefreshAsync(SqlSession, long)"/> explicitly, as <see cref="Search.SerialIndex"/> is called for serials.
/// </summary>
public static class AnalysisIndex
{
    /// <summary>
    /// Re-derives every analysis row of firearm <paramref name="firearmId"/> from its stored record and custody
    /// chain, inside <paramref name="session"/>'s transaction: reads the chain, runs <see cref="ChainAnalyzer"/> and
    /// the Core analyses, then deletes and rewrites the firearm's rows. A withdrawn or missing record leaves no rows.
    /// </summary>
    /// <remarks>
    /// <para>Call it after any write that changes the chain (a custody event added, retracted or answered in a
    /// trace request) or what the analysis reads of the record (serial, make, model, type, status, event
    /// country, place, date or case; visibility scope; withdrawal), before committing: a rolled-back write then never moves a number.</para>
    /// <para>Parties: the firearm's party keys are counted into <c>party_key</c>. Only when a key enters or leaves the
    /// set of all keys can a resolved id change (<see cref="PartyResolver"/> depends on that set alone, and a key's id
    /// only on the keys sharing its name or licence, plus the keys sharing those keys' licences); then the keys that
    /// change can reach are re-resolved from just those rows, and the other firearms whose keys moved to another id
    /// are re-derived too. The usual event, whose parties are already known, reads its own keys only.</para>
    /// </remarks>
    public static Task RefreshAsync(SqlSession session, long firearmId) => RefreshAsync(session, firearmId, null);

    /// <summary>As <see cref="RefreshAsync(SqlSession, long)"/>, with the chain the caller already holds.</summary>
    /// <param name="session">The writer's session, inside its transaction.</param>
    /// <param name="firearmId">The firearm.</param>
    /// <param name="chain">
    /// The firearm's whole stored chain as it will be committed (what <see cref="TracingQueries.ChainAsync"/> would
    /// read now), so it is not read again: a quarter of the refresh's cost. Null reads it.
    /// </param>
    public static async Task RefreshAsync(SqlSession session, long firearmId, IReadOnlyCollection<CustodyEvent>? chain)
    {
        var firearm = await session.QuerySingleOrDefaultAsync<AnalysedFirearm>(AnalysisQueries.SelectFirearm, new { id = firearmId });
        var report = firearm is null ? null
            : chain is null ? await AnalyseAsync(session, firearm)
            : ChainAnalyzer.Analyze(chain, firearm.ObliteratedSerial);
        var (parties, moved) = await CountKeysAsync(session, firearmId, report is null ? [] : KeysOf(report.Chain));
        await ReplaceDerivedAsync(session, firearmId, firearm is null || report is null ? DerivedRows.None : Derive(firearm, report, parties));

        // Other firearms whose parties now resolve to another id: their rows carry the old one.
        foreach (var other in moved.Where(id => id != firearmId).Distinct())
        {
            if (await session.QuerySingleOrDefaultAsync<AnalysedFirearm>(AnalysisQueries.SelectFirearm, new { id = other }) is { } g)
            {
                await ReplaceDerivedAsync(session, other, Derive(g, await AnalyseAsync(session, g), await StoredResolutionAsync(session, other)));
            }
        }
    }

    /// <summary>
    /// The rows of a record just inserted, derived from the record alone with nothing read: a new record has no chain
    /// and no party keys, so only what its own fields give (its serial shape; where it was found) is written. An
    /// import's created rows take this path; a full <see cref="RefreshAsync(SqlSession, long)"/> would read five empty
    /// tables per record to find nothing to compare.
    /// </summary>
    public static async Task CreatedAsync(SqlSession session, AnalysedFirearm firearm)
    {
        var rows = Derive(firearm, ChainAnalyzer.Analyze([], firearm.ObliteratedSerial), PartyResolution.Of([]));
        await InsertDerivedAsync(session, rows);
        await ShapesMovedAsync(session, [], rows.Shape);
    }

    /// <summary>Firearms per transaction of <see cref="RebuildAsync"/>.</summary>
    private const int RebuildBatch = 5000;

    /// <summary>
    /// Empties the analysis tables and derives them again from every live record and its chain: the
    /// <c>rebuild-analysis</c> command (<c>dotnet IArms.Api.dll rebuild-analysis</c>), for databases written before
    /// migration 0023 or by the data generator. Parties are resolved once over all chains' keys; the firearms are
    /// then written in batches, each batch one transaction. Run it with the service stopped: writes made meanwhile
    /// may be lost from the tables (run it again).
    /// </summary>
    /// <returns>How many records and custody events were read.</returns>
    public static async Task<(long Firearms, long Events)> RebuildAsync(Db db, CancellationToken ct)
    {
        var all = new HashSet<PartyKey>();
        await using (var session = await db.PrimaryAsync(ct))
        {
            foreach (var row in await session.QueryAsync<ChainPartyRow>(AnalysisQueries.SelectChainParties))
            {
                Add(all, row.FromPartyName, row.FromPartyKind, row.FromPartyCountry, row.FromPartyLicence);
                Add(all, row.ToPartyName, row.ToPartyKind, row.ToPartyCountry, row.ToPartyLicence);
            }
        }
        var resolution = PartyResolver.Resolve(all);

        await using (var session = await db.WriteAloneAsync(ct))
        {
            await session.ExecuteAsync(AnalysisQueries.DeleteAll);
            await session.CommitAsync();
        }

        var uses = new Dictionary<PartyKey, int>();
        long firearms = 0, events = 0, afterId = 0;
        while (true)
        {
            await using var session = await db.WriteAloneAsync(ct);
            var batch = await session.QueryAsync<AnalysedFirearm>(AnalysisQueries.SelectFirearmBatch, new { afterId, take = RebuildBatch });
            if (batch.Count == 0)
            {
                break;
            }
            var chains = (await session.QueryAsync<CustodyEventRow>(AnalysisQueries.SelectEventsBetween, new { low = batch[0].Id, high = batch[^1].Id }))
                .ToLookup(e => e.FirearmId);
            foreach (var firearm in batch)
            {
                var chain = chains[firearm.Id].Select(CustodyEvents.ToCore).ToList();
                events += chain.Count;
                var report = ChainAnalyzer.Analyze(chain, firearm.ObliteratedSerial);
                foreach (var key in KeysOf(report.Chain))
                {
                    uses[key] = uses.GetValueOrDefault(key) + 1;
                    await session.ExecuteAsync(AnalysisQueries.InsertFirearmKey, KeyArgs(key, firearm.Id));
                }
                await InsertDerivedAsync(session, Derive(firearm, report, resolution));
            }
            firearms += batch.Count;
            afterId = batch[^1].Id;
            await session.CommitAsync();
        }

        await using (var session = await db.WriteAloneAsync(ct))
        {
            // The serial shapes' neighbour gaps once over all of them, rather than per record as the writers keep them.
            await session.ExecuteAsync(AnalysisQueries.SetAllNeighbourGaps);
            await session.ExecuteAsync(AnalysisQueries.InsertAllSerialRuns);
            await session.ExecuteAsync(AnalysisQueries.InsertKeyWithUses, uses.Select(u => new
            {
                NameKey = u.Key.Name, CountryCode = u.Key.CountryCode ?? "", Licence = u.Key.Licence ?? "", PartyId = resolution.IdOf(u.Key), Uses = u.Value,
            }));
            await session.CommitAsync();
        }
        return (firearms, events);

        static void Add(HashSet<PartyKey> keys, string? name, string? kind, string? country, string? licence)
        {
            if (kind is not null && CustodyVocabulary.TryParsePartyKind(kind, out var k) && PartyKey.Of(new Party(name ?? "", k, country, licence)) is { } key)
            {
                keys.Add(key);
            }
        }
    }

    /// <summary>The distinct party keys of a chain: every identified sender and recipient.</summary>
    internal static HashSet<PartyKey> KeysOf(IEnumerable<CustodyEvent> chain)
    {
        var keys = new HashSet<PartyKey>();
        foreach (var e in chain)
        {
            if (PartyKey.Of(e.FromParty) is { } from)
            {
                keys.Add(from);
            }
            if (PartyKey.Of(e.ToParty) is { } to)
            {
                keys.Add(to);
            }
        }
        return keys;
    }

    internal static async Task<TraceReport> AnalyseAsync(SqlSession session, AnalysedFirearm firearm)
    {
        // Retracted events are kept in the chain but stand for nothing: the analysis never sees them.
        var rows = TracingQueries.Live(await TracingQueries.ChainAsync(session, firearm.Id));
        return ChainAnalyzer.Analyze(rows.Select(CustodyEvents.ToCore), firearm.ObliteratedSerial);
    }

    /// <summary>
    /// Makes the firearm's stored rows equal <paramref name="rows"/>, table by table, writing only the tables whose
    /// rows differ: most events change one or two tables of their firearm, and a write that dirties fewer pages
    /// commits sooner (the refresh tripled an event's cost when it rewrote every table; docs/benchmarks.md).
    /// </summary>
    private static async Task ReplaceDerivedAsync(SqlSession session, long firearmId, DerivedRows rows)
    {
        await ReplaceAsync(session, firearmId, rows.Legs, AnalysisQueries.SelectLegs, AnalysisQueries.DeleteLegs, AnalysisQueries.InsertLeg);
        await ReplaceAsync(session, firearmId, rows.Diversion, AnalysisQueries.SelectDiversion, AnalysisQueries.DeleteDiversion, AnalysisQueries.InsertDiversion);
        await ReplaceAsync(session, firearmId, rows.Parties, AnalysisQueries.SelectParties, AnalysisQueries.DeleteParties, AnalysisQueries.InsertParty);
        await ReplaceAsync(session, firearmId, rows.Edges, AnalysisQueries.SelectEdges, AnalysisQueries.DeleteEdges, AnalysisQueries.InsertEdge);
        var (changed, stored) = await ReplaceAsync(session, firearmId, rows.Shape, AnalysisQueries.SelectShape, AnalysisQueries.DeleteShape, AnalysisQueries.InsertShape);
        if (changed)
        {
            await ShapesMovedAsync(session, stored, rows.Shape);
        }
    }

    /// <summary>Writes the rows when they differ from the stored ones; answers whether it did, and what was stored.</summary>
    private static async Task<(bool Changed, List<T> Stored)> ReplaceAsync<T>(SqlSession session, long firearmId, IReadOnlyList<T> rows, Sql select, Sql delete, Sql insert)
    {
        var stored = await session.QueryAsync<T>(select, new { firearmId });
        if (stored.Count == rows.Count && stored.ToHashSet().SetEquals(rows))
        {
            return (false, stored);
        }
        if (stored.Count > 0)
        {
            await session.ExecuteAsync(delete, new { firearmId });
        }
        await session.ExecuteAsync(insert, rows);
        return (true, stored);
    }

    /// <summary>
    /// Keeps <c>neighbour_gap</c> (the distance to the nearest shape of the same make and skeleton), and the kept serial
    /// runs (<see cref="SerialRunIndex"/>, migration 0028), exact after a
    /// firearm's shape rows went from <paramref name="removed"/> to <paramref name="added"/>, both already written:
    /// only the added rows and the rows on either side of each removed or added one can have a new nearest neighbour.
    /// A few index reads per record write; custody events never move a shape.
    /// </summary>
    private static async Task ShapesMovedAsync(SqlSession session, IEnumerable<ShapeRow> removed, IEnumerable<ShapeRow> added)
    {
        // An added shape's neighbours are what it touches, what its own gap is from and where its run is: read once.
        var neighbours = new ShapeNeighbours(session);
        var touched = new Dictionary<long, ShapePoint>();
        foreach (var shape in removed.Concat(added))
        {
            var (before, after) = await neighbours.OfAsync(ShapePoint.Of(shape));
            foreach (var neighbour in new[] { before, after }.OfType<ShapePoint>())
            {
                touched[neighbour.FirearmId] = neighbour;
            }
        }
        foreach (var shape in added)
        {
            touched[shape.FirearmId] = ShapePoint.Of(shape);
        }
        foreach (var point in touched.Values)
        {
            var (before, after) = await neighbours.OfAsync(point);
            var gaps = new[] { before, after }.OfType<ShapePoint>().Select(n => Math.Abs(point.Number - n.Number)).ToList();
            await session.ExecuteAsync(AnalysisQueries.SetNeighbourGap, new { point.FirearmId, Gap = gaps.Count == 0 ? (long?)null : gaps.Min() });
        }
        await SerialRunIndex.ShapesMovedAsync(session, neighbours, [.. removed], [.. added]);
    }

    /// <summary>
    /// Where a shape sits among the others: the parameters of the neighbour reads (<see cref="ExcludeId"/>: a shape
    /// they leave out, -1 for none), and their rows.
    /// </summary>
    internal sealed class ShapePoint
    {
        public long FirearmId { get; set; }
        public string MakeKey { get; set; } = "";
        public string Skeleton { get; set; } = "";
        public long Number { get; set; }
        public long ExcludeId { get; set; } = -1;

        public static ShapePoint Of(ShapeRow shape, long excludeId = -1) => new()
        {
            FirearmId = shape.FirearmId, MakeKey = shape.MakeKey, Skeleton = shape.Skeleton, Number = shape.Number, ExcludeId = excludeId,
        };
    }

    /// <summary>
    /// The shapes on either side of a point in its make and skeleton, each point's read once per record write: the gap
    /// and run upkeeps write gaps and runs, never shapes, so what was read stays true until the write ends.
    /// </summary>
    internal sealed class ShapeNeighbours(SqlSession session)
    {
        private readonly Dictionary<(long, string, string, long, long), (ShapePoint? Before, ShapePoint? After)> _read = [];

        public async Task<(ShapePoint? Before, ShapePoint? After)> OfAsync(ShapePoint at)
        {
            var key = (at.FirearmId, at.MakeKey, at.Skeleton, at.Number, at.ExcludeId);
            if (!_read.TryGetValue(key, out var pair))
            {
                _read[key] = pair = (await session.QuerySingleOrDefaultAsync<ShapePoint>(AnalysisQueries.SelectShapeBefore, at),
                    await session.QuerySingleOrDefaultAsync<ShapePoint>(AnalysisQueries.SelectShapeAfter, at));
            }
            return pair;
        }
    }

    /// <summary>Writes the rows of a firearm that has none (the rebuild).</summary>
    private static async Task InsertDerivedAsync(SqlSession session, DerivedRows rows)
    {
        await session.ExecuteAsync(AnalysisQueries.InsertLeg, rows.Legs);
        await session.ExecuteAsync(AnalysisQueries.InsertDiversion, rows.Diversion);
        await session.ExecuteAsync(AnalysisQueries.InsertParty, rows.Parties);
        await session.ExecuteAsync(AnalysisQueries.InsertEdge, rows.Edges);
        await session.ExecuteAsync(AnalysisQueries.InsertShape, rows.Shape);
    }

    /// <summary>
    /// Replaces the firearm's keys in <c>firearm_party_key</c> and their use counts in <c>party_key</c>; when the set
    /// of all keys changed, re-resolves the keys that change can move. Returns the ids of the firearm's keys and the
    /// other firearms whose keys moved.
    /// </summary>
    private static async Task<(PartyResolution Parties, List<long> Moved)> CountKeysAsync(SqlSession session, long firearmId, HashSet<PartyKey> keys)
    {
        var stored = await session.QueryAsync<PartyKeyRow>(AnalysisQueries.SelectFirearmKeyIds, new { firearmId });
        var old = stored.Select(r => r.Key).ToHashSet();
        if (old.SetEquals(keys))
        {
            // The usual event: its parties are already this firearm's, so their stored ids stand.
            return (PartyResolution.Of(stored.Select(r => KeyValuePair.Create(r.Key, r.PartyId))), []);
        }
        var changed = new List<PartyKey>();
        foreach (var key in old.Where(k => !keys.Contains(k)))
        {
            var args = KeyArgs(key, firearmId);
            await session.ExecuteAsync(AnalysisQueries.DeleteFirearmKey, args);
            await session.ExecuteAsync(AnalysisQueries.DecrementKey, args);
            if (await session.ExecuteAsync(AnalysisQueries.DeleteUnusedKey, args) > 0)
            {
                changed.Add(key);
            }
        }
        foreach (var key in keys.Where(k => !old.Contains(k)))
        {
            var args = KeyArgs(key, firearmId);
            await session.ExecuteAsync(AnalysisQueries.InsertFirearmKey, args);
            if (await session.ExecuteAsync(AnalysisQueries.IncrementKey, args) == 0)
            {
                await session.ExecuteAsync(AnalysisQueries.InsertKey, new
                {
                    args.NameKey, args.CountryCode, args.Licence, PartyId = key.LocalId,
                });
                changed.Add(key);
            }
        }
        var moved = changed.Count == 0 ? [] : await ReresolveAsync(session, changed);
        return (await StoredResolutionAsync(session, firearmId), moved);
    }

    /// <summary>
    /// Re-resolves the stored keys whose id a change of <paramref name="changed"/> can move, from just the rows
    /// their ids depend on, and stores the ids that moved. Returns the firearms that use a moved key.
    /// </summary>
    private static async Task<List<long>> ReresolveAsync(SqlSession session, List<PartyKey> changed)
    {
        // A key's id depends on the keys sharing its name or licence (N) and the keys sharing a licence with those
        // (L·N). So a changed key x can move the keys in N(x) and in N(L(x)), and resolving those exactly needs
        // their own N and L·N.
        var rows = new Dictionary<PartyKey, string>();
        var affected = await NeighboursAsync(session, changed, byName: true, rows);
        affected.UnionWith(await NeighboursAsync(session, await NeighboursAsync(session, changed, byName: false, rows), byName: true, rows));
        var near = await NeighboursAsync(session, affected, byName: true, rows);
        await NeighboursAsync(session, near, byName: false, rows);

        var resolution = PartyResolver.Resolve(rows.Keys);
        var firearms = new List<long>();
        foreach (var key in affected)
        {
            var id = resolution.IdOf(key);
            if (rows[key] == id)
            {
                continue;
            }
            var args = KeyArgs(key, 0);
            await session.ExecuteAsync(AnalysisQueries.SetKeyParty, new { args.NameKey, args.CountryCode, args.Licence, PartyId = id });
            firearms.AddRange(await session.QueryAsync<long>(AnalysisQueries.SelectFirearmsOfKey, args));
        }
        return firearms;
    }

    /// <summary>The stored keys sharing a name (with <paramref name="byName"/>) or a licence with <paramref name="keys"/>; each row read is kept in <paramref name="rows"/>.</summary>
    private static async Task<HashSet<PartyKey>> NeighboursAsync(SqlSession session, IEnumerable<PartyKey> keys, bool byName, Dictionary<PartyKey, string> rows)
    {
        var list = keys.ToList();
        var names = byName ? list.Where(k => k.Name.Length > 0).Select(k => k.Name).Distinct().ToList() : [];
        var licences = list.Where(k => k.Licence is not null).Select(k => k.Licence!).Distinct().ToList();
        var found = new HashSet<PartyKey>();
        if (names.Count == 0 && licences.Count == 0)
        {
            return found;
        }
        foreach (var row in await session.QueryAsync<PartyKeyRow>(AnalysisQueries.SelectKeysByNameOrLicence,
                     new { names = SqlList.Of(names), licences = SqlList.Of(licences) }))
        {
            rows[row.Key] = row.PartyId;
            found.Add(row.Key);
        }
        return found;
    }

    private static async Task<PartyResolution> StoredResolutionAsync(SqlSession session, long firearmId) =>
        PartyResolution.Of((await session.QueryAsync<PartyKeyRow>(AnalysisQueries.SelectFirearmKeyIds, new { firearmId }))
            .Select(r => KeyValuePair.Create(r.Key, r.PartyId)));

    private static KeyArgs KeyArgs(PartyKey key, long firearmId) => new(firearmId, key.Name, key.CountryCode ?? "", key.Licence ?? "");

    /// <summary>The analysis rows of one firearm, from its record and analysed chain.</summary>
    internal static DerivedRows Derive(AnalysedFirearm f, TraceReport report, PartyResolution parties)
    {
        // A record reported seized or recovered with no seizure in its chain still ends where the record says.
        var found = f.Status is "seized" or "recovered";
        var legs = RouteLegs.Of(report, found ? f.EventCountryCode : null, found ? f.EventDate : null)
            .Select(l => new LegRow { FromCountry = l.FromCountry, ToCountry = l.ToCountry, Licensed = l.Licensed ? 1 : 0, LegDate = l.Date }.Of<LegRow>(f))
            .ToList();

        var diversion = DiversionSources.Of(f.Id, report, parties) is { } d
            ? new List<DiversionRow>
            {
                new DiversionRow
                {
                    CountryCode = d.CountryCode,
                    PartyId = d.Party?.Id,
                    PartyName = d.Party?.Name,
                    PartyKind = d.Party is null ? null : CustodyVocabulary.ToWire(d.Party.Kind),
                    PartyCountry = d.Party?.CountryCode,
                    Reason = CustodyVocabulary.ToWire(d.Reason),
                    TimeToCrimeDays = d.TimeToCrimeDays,
                    DiversionDate = d.Date,
                }.Of<DiversionRow>(f),
            }
            : [];

        var chainParties = PartyRoles.Of(f.Id, report, parties);
        var partyRows = chainParties.Parties.Select(p => new PartyRow
        {
            PartyId = p.Party.Id,
            Name = p.Party.Name,
            Kind = CustodyVocabulary.ToWire(p.Party.Kind),
            CountryCode = p.Party.CountryCode,
            Roles = (int)p.Roles,
            Diverted = chainParties.Diverted ? 1 : 0,
        }.Of<PartyRow>(f)).ToList();
        var edges = chainParties.Edges.Select((e, i) => new EdgeRow
        {
            Seq = i, PartyId = e.PartyId, EventType = CustodyVocabulary.ToWire(e.EventType), EventDate = e.Date,
        }.Of<EdgeRow>(f)).ToList();

        var makeKey = AnalysisQueries.MakeKey(f.CanonicalMake, f.Make);
        var shape = makeKey.Length > 0 && SerialShape.Of(f.SerialNumber) is { } s
            ? new List<ShapeRow>
            {
                new ShapeRow
                {
                    MakeKey = makeKey, Skeleton = s.Skeleton, Number = s.Number, Model = f.Model,
                    SerialNumber = f.SerialNumber, CaseReference = f.CaseReference, Place = f.EventPlace,
                    CountryCode = f.EventCountryCode, EventDate = f.EventDate,
                }.Of<ShapeRow>(f),
            }
            : [];
        return new DerivedRows(legs, diversion, partyRows, edges, shape);
    }

    /// <summary>One firearm's rows of each derived table. Records with value equality, so stored and derived rows compare.</summary>
    internal sealed record DerivedRows(
        IReadOnlyList<LegRow> Legs, IReadOnlyList<DiversionRow> Diversion, IReadOnlyList<PartyRow> Parties,
        IReadOnlyList<EdgeRow> Edges, IReadOnlyList<ShapeRow> Shape)
    {
        public static readonly DerivedRows None = new([], [], [], [], []);
    }

    /// <summary>
    /// What every derived row copies from its record so that the reads decide visibility and the record filters from
    /// the row alone (<see cref="AnalysisQueries.DerivedVisibleTo"/>; migration 0027). Part of each row's equality, so a
    /// record write that changes them (a PUT narrowing the scope) rewrites the rows.
    /// </summary>
    internal abstract record DerivedRow
    {
        public long FirearmId { get; init; }
        public long OwnerAgencyId { get; init; }
        public string VisibilityScope { get; init; } = "countries";
        public string Type { get; init; } = "";
        public string Make { get; init; } = "";
        public string? CanonicalMake { get; init; }

        /// <summary>This row with <paramref name="f"/>'s copy (the row's own type kept).</summary>
        public T Of<T>(AnalysedFirearm f) where T : DerivedRow => (T)(this with
        {
            FirearmId = f.Id, OwnerAgencyId = f.OwnerAgencyId, VisibilityScope = f.VisibilityScope, Type = f.Type, Make = f.Make, CanonicalMake = f.CanonicalMake,
        });
    }

    internal sealed record LegRow : DerivedRow
    {
        public string FromCountry { get; init; } = "";
        public string ToCountry { get; init; } = "";
        public int Licensed { get; init; }
        public DateOnly LegDate { get; init; }
    }

    internal sealed record DiversionRow : DerivedRow
    {
        public string? CountryCode { get; init; }
        public string? PartyId { get; init; }
        public string? PartyName { get; init; }
        public string? PartyKind { get; init; }
        public string? PartyCountry { get; init; }
        public string Reason { get; init; } = "";
        public int? TimeToCrimeDays { get; init; }
        public DateOnly? DiversionDate { get; init; }
    }

    internal sealed record PartyRow : DerivedRow
    {
        public string PartyId { get; init; } = "";
        public string Name { get; init; } = "";
        public string Kind { get; init; } = "";
        public string? CountryCode { get; init; }
        public int Roles { get; init; }
        public int Diverted { get; init; }
    }

    internal sealed record EdgeRow : DerivedRow
    {
        public int Seq { get; init; }
        public string PartyId { get; init; } = "";
        public string EventType { get; init; } = "";
        public DateOnly EventDate { get; init; }
    }

    internal sealed record ShapeRow : DerivedRow
    {
        public string MakeKey { get; init; } = "";
        public string Skeleton { get; init; } = "";
        public long Number { get; init; }
        public string Model { get; init; } = "";
        public string SerialNumber { get; init; } = "";
        public string CaseReference { get; init; } = "";
        public string Place { get; init; } = "";
        public string? CountryCode { get; init; }
        public DateOnly? EventDate { get; init; }
    }
}

/// <summary>The parameters that name one party key (and, for <c>firearm_party_key</c>, its firearm).</summary>
internal sealed record KeyArgs(long FirearmId, string NameKey, string CountryCode, string Licence);

/// <summary>What the analysis reads of a firearm record.</summary>
public sealed class AnalysedFirearm
{
    public long Id { get; set; }
    public long OwnerAgencyId { get; set; }
    public string VisibilityScope { get; set; } = "countries";
    public string Type { get; set; } = "";
    public string SerialNumber { get; set; } = "";
    public string Make { get; set; } = "";
    public string? CanonicalMake { get; set; }
    public string Model { get; set; } = "";
    public string Status { get; set; } = "";
    public DateOnly? EventDate { get; set; }
    public string? EventCountryCode { get; set; }
    public string EventPlace { get; set; } = "";
    public string CaseReference { get; set; } = "";
    public bool ObliteratedSerial { get; set; }
}

/// <summary>The parties of one custody event, as stored.</summary>
public sealed class ChainPartyRow
{
    public string? FromPartyName { get; set; }
    public string? FromPartyKind { get; set; }
    public string? FromPartyCountry { get; set; }
    public string? FromPartyLicence { get; set; }
    public string? ToPartyName { get; set; }
    public string? ToPartyKind { get; set; }
    public string? ToPartyCountry { get; set; }
    public string? ToPartyLicence { get; set; }
}

/// <summary>A stored party key with its resolved id.</summary>
public sealed class PartyKeyRow
{
    public string NameKey { get; set; } = "";
    public string CountryCode { get; set; } = "";
    public string Licence { get; set; } = "";
    public string PartyId { get; set; } = "";

    public PartyKey Key => new(NameKey, CountryCode.Length == 0 ? null : CountryCode, Licence.Length == 0 ? null : Licence);
}
