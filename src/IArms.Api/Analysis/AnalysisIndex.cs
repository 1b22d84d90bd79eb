using IArms.Api.Data;
using IArms.Api.Tracing;
using IArms.Core.Analysis;
using IArms.Core.Tracing;

namespace IArms.Api.Analysis;

/// <summary>
/// Keeps the analysis tables (migration 0023: route legs, diversions, chain parties and graph edges, serial
/// shapes, and the party keys with their resolved ids) in step with the chains and records, inside the
/// transaction that changes them. Every write path that changes what the analysis reads calls
/// <see cref="RefreshAsync"/> explicitly, as <see cref="Search.SerialIndex"/> is called for serials.
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
    /// country, place, date or case; withdrawal), before committing: a rolled-back write then never moves a number.</para>
    /// <para>Parties: the firearm's party keys are counted into <c>party_key</c>. Only when a key enters or leaves the
    /// set of all keys can a resolved id change (<see cref="PartyResolver"/> depends on that set alone, and a key's id
    /// only on the keys sharing its name or licence, plus the keys sharing those keys' licences); then the keys that
    /// change can reach are re-resolved from just those rows, and the other firearms whose keys moved to another id
    /// are re-derived too. The usual event, whose parties are already known, reads its own keys only.</para>
    /// </remarks>
    public static async Task RefreshAsync(SqlSession session, long firearmId)
    {
        await DeleteDerivedAsync(session, firearmId);
        var firearm = await session.QuerySingleOrDefaultAsync<AnalysedFirearm>(AnalysisQueries.SelectFirearm, new { id = firearmId });
        var report = firearm is null ? null : await AnalyseAsync(session, firearm);
        var keys = report is null ? [] : KeysOf(report.Chain);
        var moved = await CountKeysAsync(session, firearmId, keys);
        if (firearm is not null && report is not null)
        {
            await WriteDerivedAsync(session, firearm, report, await StoredResolutionAsync(session, firearmId));
        }

        // Other firearms whose parties now resolve to another id: their rows carry the old one.
        foreach (var other in moved.Where(id => id != firearmId).Distinct())
        {
            await DeleteDerivedAsync(session, other);
            if (await session.QuerySingleOrDefaultAsync<AnalysedFirearm>(AnalysisQueries.SelectFirearm, new { id = other }) is { } g)
            {
                await WriteDerivedAsync(session, g, await AnalyseAsync(session, g), await StoredResolutionAsync(session, other));
            }
        }
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

        await using (var session = await db.WriteAsync(ct))
        {
            await session.ExecuteAsync(AnalysisQueries.DeleteAll);
            await session.CommitAsync();
        }

        var uses = new Dictionary<PartyKey, int>();
        long firearms = 0, events = 0, afterId = 0;
        while (true)
        {
            await using var session = await db.WriteAsync(ct);
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
                await WriteDerivedAsync(session, firearm, report, resolution);
            }
            firearms += batch.Count;
            afterId = batch[^1].Id;
            await session.CommitAsync();
        }

        await using (var session = await db.WriteAsync(ct))
        {
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
        var rows = await TracingQueries.ChainAsync(session, firearm.Id);
        return ChainAnalyzer.Analyze(rows.Select(CustodyEvents.ToCore), firearm.ObliteratedSerial);
    }

    private static Task DeleteDerivedAsync(SqlSession session, long firearmId) =>
        session.ExecuteAsync(AnalysisQueries.DeleteDerived, new { firearmId });

    /// <summary>
    /// Replaces the firearm's keys in <c>firearm_party_key</c> and their use counts in <c>party_key</c>; when the set
    /// of all keys changed, re-resolves the keys that change can move. Returns the firearms whose keys moved.
    /// </summary>
    private static async Task<List<long>> CountKeysAsync(SqlSession session, long firearmId, HashSet<PartyKey> keys)
    {
        var old = (await session.QueryAsync<PartyKeyRow>(AnalysisQueries.SelectFirearmKeys, new { firearmId })).Select(r => r.Key).ToHashSet();
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
        return changed.Count == 0 ? [] : await ReresolveAsync(session, changed);
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

    /// <summary>Writes the firearm's analysis rows (its old ones must be gone).</summary>
    internal static async Task WriteDerivedAsync(SqlSession session, AnalysedFirearm f, TraceReport report, PartyResolution parties)
    {
        // A record reported seized or recovered with no seizure in its chain still ends where the record says.
        var found = f.Status is "seized" or "recovered";
        var legs = RouteLegs.Of(report, found ? f.EventCountryCode : null, found ? f.EventDate : null);
        await session.ExecuteAsync(AnalysisQueries.InsertLeg, legs.Select(l => new
        {
            firearmId = f.Id, fromCountry = l.FromCountry, toCountry = l.ToCountry, licensed = l.Licensed ? 1 : 0, legDate = l.Date,
        }));

        if (DiversionSources.Of(f.Id, report, parties) is { } d)
        {
            await session.ExecuteAsync(AnalysisQueries.InsertDiversion, new
            {
                firearmId = f.Id,
                countryCode = d.CountryCode,
                partyId = d.Party?.Id,
                partyName = d.Party?.Name,
                partyKind = d.Party is null ? null : CustodyVocabulary.ToWire(d.Party.Kind),
                partyCountry = d.Party?.CountryCode,
                reason = CustodyVocabulary.ToWire(d.Reason),
                timeToCrimeDays = d.TimeToCrimeDays,
                diversionDate = d.Date,
            });
        }

        var chainParties = PartyRoles.Of(f.Id, report, parties);
        await session.ExecuteAsync(AnalysisQueries.InsertParty, chainParties.Parties.Select(p => new
        {
            firearmId = f.Id,
            partyId = p.Party.Id,
            name = p.Party.Name,
            kind = CustodyVocabulary.ToWire(p.Party.Kind),
            countryCode = p.Party.CountryCode,
            roles = (int)p.Roles,
            diverted = chainParties.Diverted ? 1 : 0,
        }));
        await session.ExecuteAsync(AnalysisQueries.InsertEdge, chainParties.Edges.Select((e, i) => new
        {
            firearmId = f.Id, seq = i, partyId = e.PartyId, eventType = CustodyVocabulary.ToWire(e.EventType), eventDate = e.Date,
        }));

        var makeKey = AnalysisQueries.MakeKey(f.CanonicalMake, f.Make);
        if (makeKey.Length > 0 && SerialShape.Of(f.SerialNumber) is { } shape)
        {
            await session.ExecuteAsync(AnalysisQueries.InsertShape, new
            {
                firearmId = f.Id,
                makeKey,
                skeleton = shape.Skeleton,
                number = shape.Number,
                model = f.Model,
                serialNumber = f.SerialNumber,
                caseReference = f.CaseReference,
                place = f.EventPlace,
                countryCode = f.EventCountryCode,
                eventDate = f.EventDate,
            });
        }
    }
}

/// <summary>The parameters that name one party key (and, for <c>firearm_party_key</c>, its firearm).</summary>
internal sealed record KeyArgs(long FirearmId, string NameKey, string CountryCode, string Licence);

/// <summary>What the analysis reads of a firearm record.</summary>
public sealed class AnalysedFirearm
{
    public long Id { get; set; }
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
