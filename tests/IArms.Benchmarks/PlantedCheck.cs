using System.Globalization;
using System.Text.Json;
using IArms.Core.Analysis;
using IArms.Core.Tracing;
using Microsoft.Data.Sqlite;

namespace IArms.Benchmarks;

/// <summary>
/// <c>check-planted --database PATH</c>: reads a generated database, runs the Core analyses over every
/// chain (in memory: this is a check of the data and of the analysis, not of the API's derived tables),
/// and compares them with <c>PATH.planted.json</c>. Exit code 0 when every planted structure is found.
/// </summary>
public static class PlantedCheck
{
    public static int Run(string[] args)
    {
        var database = args.SkipWhile(a => a != "--database").Skip(1).FirstOrDefault();
        if (database is null)
        {
            Console.Error.WriteLine("Usage: check-planted --database PATH");
            return 2;
        }

        using var truth = JsonDocument.Parse(File.ReadAllText(database + ".planted.json"));
        using var connection = new SqliteConnection($"Data Source={database};Mode=ReadOnly");
        connection.Open();

        var chains = ReadChains(connection);
        var reports = chains.ToDictionary(c => c.Key, c => ChainAnalyzer.Analyze(c.Value, obliteratedSerial: false));
        var keys = chains.Values.SelectMany(c => c).SelectMany(e => new[] { e.FromParty, e.ToParty }).Select(PartyKey.Of).OfType<PartyKey>();
        var parties = PartyResolver.Resolve(keys);
        var legs = reports.SelectMany(r => RouteLegs.Of(r.Value)).ToList();
        var facts = reports.Select(r => DiversionSources.Of(r.Key, r.Value, parties)).OfType<DiversionFact>().ToList();
        var roles = reports.Select(r => PartyRoles.Of(r.Key, r.Value, parties)).ToList();
        var routes = Routes.Aggregate(legs);
        var sources = DiversionSources.Aggregate(facts, DiversionGrouping.Party);
        var ranking = PartyRoles.Rank(roles);
        var runs = SerialRuns.Find(ReadCandidates(connection, roles.ToDictionary(r => r.FirearmId, r => r.Parties.Select(p => p.Party.Id).ToList())));
        Console.WriteLine($"{reports.Count:N0} chains, {parties.Count:N0} party keys, {routes.Count} routes, {ranking.Count} ranked parties, {runs.Count} serial runs");

        var failures = 0;
        void Check(bool ok, string what)
        {
            Console.WriteLine($"{(ok ? "ok  " : "FAIL")} {what}");
            failures += ok ? 0 : 1;
        }

        var root = truth.RootElement;
        var stockpiles = root.GetProperty("stockpiles").EnumerateArray().ToList();
        foreach (var s in stockpiles)
        {
            var name = s.GetProperty("name").GetString()!;
            var country = s.GetProperty("countryCode").GetString()!;
            var transit = s.GetProperty("transitCountry").GetString()!;
            var ids = Ids(s);
            var group = sources.FirstOrDefault(g => g.Party?.Name == name);
            Check(group?.Firearms == ids.Count, $"stockpile {name}: {group?.Firearms} of {ids.Count} firearms as diversion source");
            var rank = sources.TakeWhile(g => g != group).Count();
            Check(rank < stockpiles.Count, $"stockpile {name} among the top {stockpiles.Count} diversion sources (rank {rank + 1})");
            var toTransit = routes.FirstOrDefault(r => r.FromCountry == country && r.ToCountry == transit);
            // At least: random trafficking noise may take the same road.
            Check(toTransit?.Firearms >= ids.Count && toTransit.Unlicensed >= ids.Count, $"route {country}→{transit}: {toTransit?.Firearms} firearms, {ids.Count} planted");
            foreach (var seizedIn in s.GetProperty("seizureCountries").EnumerateArray().Select(e => e.GetString()!).Distinct())
            {
                var expected = s.GetProperty("seizureCountries").EnumerateArray().Count(e => e.GetString() == seizedIn);
                var leg = routes.FirstOrDefault(r => r.FromCountry == transit && r.ToCountry == seizedIn);
                Check(leg?.Firearms >= expected, $"route {transit}→{seizedIn}: {leg?.Firearms} firearms, {expected} planted");
            }
        }

        var buyers = root.GetProperty("strawBuyers").EnumerateArray().ToList();
        var people = ranking.Where(r => r.Party.Kind == PartyKind.PrivatePerson).ToList();
        foreach (var b in buyers)
        {
            var ids = Ids(b);
            var spellings = b.GetProperty("spellings").EnumerateArray().Select(e => e.GetString()!).ToHashSet();
            var found = people.Take(buyers.Count).FirstOrDefault(r => r.FirearmIds.Order().SequenceEqual(ids.Order()));
            Check(found is not null && spellings.Contains(found.Party.Name),
                $"straw buyer {spellings.First()} among the top {buyers.Count} private persons with exactly its {ids.Count} firearms");
            if (found is not null)
            {
                var network = PartyNetwork.Around(roles.SelectMany(r => r.Edges), found.Party.Id, 2);
                var inNetwork = network.Nodes.Where(n => n.FirearmId is not null).Select(n => n.FirearmId!.Value).ToHashSet();
                Check(ids.All(inNetwork.Contains), $"network of {found.Party.Name} holds all {ids.Count} firearms ({network.Nodes.Count} nodes)");
            }
        }

        foreach (var lot in root.GetProperty("serialRuns").EnumerateArray())
        {
            var ids = Ids(lot);
            var run = runs.FirstOrDefault(r => r.FirearmIds.Intersect(ids).Any());
            Check(run is not null && run.FirearmIds.Order().SequenceEqual(ids.Order()),
                $"serial run {lot.GetProperty("name").GetString()}: {run?.FirstSerial}..{run?.LastSerial}, {run?.FirearmIds.Count} of {ids.Count} firearms");
        }

        Console.WriteLine(failures == 0 ? "all planted structures found" : $"{failures} checks failed");
        return failures == 0 ? 0 : 1;
    }

    private static List<long> Ids(JsonElement group) => group.GetProperty("firearmIds").EnumerateArray().Select(e => e.GetInt64()).ToList();

    private static Dictionary<long, List<CustodyEvent>> ReadChains(SqliteConnection connection)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT ce.firearm_id, ce.id, ce.type, ce.event_date,
                   ce.from_party_name, ce.from_party_kind, ce.from_party_country, ce.from_party_licence,
                   ce.to_party_name, ce.to_party_kind, ce.to_party_country, ce.to_party_licence,
                   ce.country_code, ce.authorization_kind, ce.authorization_reference, a.code, ce.recorded_at
            FROM custody_event ce JOIN agency a ON a.id = ce.source_agency_id
            ORDER BY ce.firearm_id, ce.id
            """;
        using var reader = command.ExecuteReader();
        var chains = new Dictionary<long, List<CustodyEvent>>();
        while (reader.Read())
        {
            var firearm = reader.GetInt64(0);
            CustodyVocabulary.TryParseEventType(reader.GetString(2), out var type);
            Authorization? authorization = null;
            if (!reader.IsDBNull(13) && CustodyVocabulary.TryParseAuthorizationKind(reader.GetString(13), out var kind))
            {
                authorization = new Authorization(kind, reader.GetString(14));
            }

            var e = new CustodyEvent(reader.GetInt64(1).ToString(CultureInfo.InvariantCulture), type,
                DateOnly.ParseExact(reader.GetString(3), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                ReadParty(reader, 4), ReadParty(reader, 8), Text(reader, 12), null, null, null, authorization,
                reader.GetString(15), DateTimeOffset.Parse(reader.GetString(16), CultureInfo.InvariantCulture));
            if (!chains.TryGetValue(firearm, out var chain))
            {
                chain = [];
                chains[firearm] = chain;
            }

            chain.Add(e);
        }

        return chains;
    }

    private static IEnumerable<SerialRunCandidate> ReadCandidates(SqliteConnection connection, Dictionary<long, List<string>> partiesByFirearm)
    {
        using var command = connection.CreateCommand();
        // canonical_make is left NULL by the generator, as before chains existed; make is the canonical spelling there.
        command.CommandText = "SELECT id, COALESCE(canonical_make, make), model, serial_number, case_reference, event_place, event_country_code, event_date FROM firearm";
        using var reader = command.ExecuteReader();
        var candidates = new List<SerialRunCandidate>();
        while (reader.Read())
        {
            var id = reader.GetInt64(0);
            candidates.Add(new SerialRunCandidate(id, reader.GetString(1), Text(reader, 2), reader.GetString(3), Text(reader, 4), Text(reader, 5),
                Text(reader, 6), reader.IsDBNull(7) ? null : DateOnly.ParseExact(reader.GetString(7), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                partiesByFirearm.TryGetValue(id, out var p) ? p : []));
        }

        return candidates;
    }

    private static Party? ReadParty(SqliteDataReader reader, int at)
    {
        if (reader.IsDBNull(at + 1) || !CustodyVocabulary.TryParsePartyKind(reader.GetString(at + 1), out var kind))
        {
            return null;
        }

        return new Party(Text(reader, at) ?? "", kind, Text(reader, at + 2), Text(reader, at + 3));
    }

    private static string? Text(SqliteDataReader reader, int at) => reader.IsDBNull(at) ? null : reader.GetString(at);
}
