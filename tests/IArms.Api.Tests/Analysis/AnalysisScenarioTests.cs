using System.Net;
using IArms.Api.Analysis;
using IArms.Api.Tests.Infrastructure;
using IArms.Core.Analysis;
using IArms.Core.Tracing;
using Microsoft.Data.Sqlite;
using static IArms.Api.Tests.Analysis.PlantedScenarios;

namespace IArms.Api.Tests.Analysis;

/// <summary>The planted scenarios of issue 13 among noise, read back by an analyst of a third country.</summary>
public class AnalysisScenarioTests : ApiFixture
{
    private PlantedScenarios _s = null!;

    [OneTimeSetUp]
    public async Task Plant() => _s = await PlantAsync(App);

    [Test]
    public async Task TheLeakingDepotsRoutesHaveOneLegPerRifleThroughTheTransitCountry()
    {
        var routes = Items(await GetAsync(_s.Analyst, "/routes"));
        var byLeg = routes.ToDictionary(r => ((string)r["fromCountry"]!, (string)r["toCountry"]!));
        Assert.Multiple(() =>
        {
            Assert.That((int)byLeg[("CZ", "UA")]["firearms"]!, Is.EqualTo(6));
            Assert.That((int)byLeg[("CZ", "UA")]["licensed"]!, Is.EqualTo(6));
            Assert.That((int)byLeg[("UA", "MD")]["firearms"]!, Is.EqualTo(6));
            Assert.That((int)byLeg[("UA", "MD")]["unlicensed"]!, Is.EqualTo(6));
            Assert.That((int)byLeg[("MD", "RO")]["firearms"]!, Is.EqualTo(6));
            Assert.That((string?)byLeg[("UA", "MD")]["firstSeen"], Is.EqualTo("2021-02-09"));
            Assert.That((string?)byLeg[("UA", "MD")]["lastSeen"], Is.EqualTo("2022-10-02"));
            Assert.That(byLeg.ContainsKey(("UA", "RO")), Is.False, "the transit country sits between depot and seizure");
            Assert.That(routes.Select(r => (int)r["firearms"]!), Is.Ordered.Descending);
        });
    }

    [Test]
    public async Task RouteFiltersNarrowTheLegsByCountryReasonTypeAndDate()
    {
        var fromUa = Items(await GetAsync(_s.Analyst, "/routes?fromCountry=UA"));
        var rifles = Items(await GetAsync(_s.Analyst, "/routes?type=rifle&reason=theft"));
        var late = Items(await GetAsync(_s.Analyst, "/routes?fromCountry=UA&since=2022-01-01&until=2022-12-31"));
        var czMake = Items(await GetAsync(_s.Analyst, "/routes?make=Ceska%20zbrojovka"));
        Assert.Multiple(() =>
        {
            Assert.That(fromUa.Select(r => (string?)r["toCountry"]), Is.EqualTo(new[] { "MD" }));
            Assert.That(rifles.Select(r => ((string?)r["fromCountry"], (string?)r["toCountry"], (int)r["firearms"]!)),
                Is.EquivalentTo(new[] { ("CZ", "UA", 6), ("UA", "MD", 6), ("MD", "RO", 6) }));
            // Thefts on 2021-01-10 + 120 days × i: those of 2022 reach MD 30 days later.
            Assert.That(late.Select(r => (int)r["firearms"]!), Is.EqualTo(new[] { 3 }));
            Assert.That(czMake.Select(r => (int)r["firearms"]!).Sum(), Is.EqualTo(18), "the make filter knows the reference table's spellings");
        });
    }

    [Test]
    public async Task TheDepotTopsTheDiversionSourcesByPartyAndItsCountryByCountry()
    {
        var byParty = Items(await GetAsync(_s.Analyst, "/diversion-sources?groupBy=party"));
        var byCountry = Items(await GetAsync(_s.Analyst, "/diversion-sources?groupBy=country"));
        var byKind = Items(await GetAsync(_s.Analyst, "/diversion-sources?groupBy=partyKind"));
        var byReason = Items(await GetAsync(_s.Analyst, "/diversion-sources?groupBy=reason"));
        Assert.Multiple(() =>
        {
            Assert.That((string?)byParty[0]["party"]!["name"], Is.EqualTo(Depot));
            Assert.That((string?)byParty[0]["party"]!["kind"], Is.EqualTo("state-stockpile"));
            Assert.That((int)byParty[0]["firearms"]!, Is.EqualTo(6));
            Assert.That(byParty[0]["country"], Is.Null);
            Assert.That(byParty[0]["reason"], Is.Null);
            Assert.That((string?)byParty[1]["party"]!["name"], Is.EqualTo("TransLog Spedizioni Srl"));
            Assert.That((string?)byCountry[0]["country"], Is.EqualTo("UA"));
            Assert.That((int)byCountry[0]["firearms"]!, Is.EqualTo(6));
            Assert.That(byCountry[0]["party"], Is.Null);
            Assert.That((string?)byKind[0]["partyKind"], Is.EqualTo("private-person"));
            Assert.That(byKind.Single(k => (string?)k["partyKind"] == "state-stockpile")["firearms"]!.GetValue<int>(), Is.EqualTo(6));
            Assert.That(byReason.Single(r => (string?)r["reason"] == "post-custody-gap")["firearms"]!.GetValue<int>(), Is.EqualTo(4));
            // Time to crime runs from the last sale, 2024-03-01 + 9j, to the seizure, 2025-02-01 + 30j: 337 + 21j days.
            Assert.That((double?)byParty.Single(p => (string?)p["party"]!["kind"] == "private-person" && (int)p["firearms"]! == 4)["medianTimeToCrimeDays"], Is.EqualTo(368.5));
        });
    }

    [Test]
    public async Task TheStrawBuyerRanksFirstAmongBuyersUnderEverySpellingAndItsNetworkHoldsEveryPistol()
    {
        var parties = Items(await GetAsync(_s.Analyst, "/parties?minFirearms=2&role=buyer"));
        var buyer = parties[0];
        var id = (string)buyer["id"]!;
        var network = await GetAsync(_s.Analyst, $"/parties/{id}/network?depth=2");
        var firearmNodes = network["nodes"]!.AsArray().Where(n => (string?)n!["kind"] == "firearm").Select(n => (long)n!["firearmId"]!).ToArray();
        Assert.Multiple(() =>
        {
            Assert.That((string?)buyer["kind"], Is.EqualTo("private-person"));
            Assert.That(new[] { "John A. Smith", "SMITH, JOHN A.", "John A Smith", "Smith John A." }, Does.Contain((string?)buyer["name"]));
            Assert.That((int)buyer["firearms"]!, Is.EqualTo(4));
            Assert.That((int)buyer["roles"]!["lastLawfulHolder"]!, Is.EqualTo(4));
            Assert.That((int)buyer["roles"]!["buyer"]!, Is.EqualTo(4));
            Assert.That(buyer["firearmIds"]!.AsArray().Select(f => (long)f!), Is.EqualTo(_s.Pistols));
            Assert.That(firearmNodes, Is.EquivalentTo(_s.Pistols));
            Assert.That((string?)network["nodes"]![0]!["id"], Is.EqualTo($"party:{id}"));
            Assert.That((int)network["nodes"]![0]!["depth"]!, Is.EqualTo(0));
            Assert.That(network["nodes"]!.AsArray().Select(n => (string?)n!["name"]), Does.Contain("Guns & Ammo LLC"));
            Assert.That(network["edges"]!.AsArray().Select(e => (string?)e!["eventType"]), Does.Contain("sold"));
            Assert.That(network["edges"]!.AsArray().All(e => ((string)e!["from"]!).StartsWith("firearm:", StringComparison.Ordinal)), Is.True);
        });
    }

    [Test]
    public async Task TheDepotRanksFirstAmongAllPartiesAsTheLastLawfulHolderOfMostFirearms()
    {
        var parties = Items(await GetAsync(_s.Analyst, "/parties"));
        var lastLawful = Items(await GetAsync(_s.Analyst, "/parties?role=last-lawful-holder&minFirearms=4"));
        var firstTwo = Items(await GetAsync(_s.Analyst, "/parties?limit=2"));
        Assert.Multiple(() =>
        {
            Assert.That((string?)parties[0]["name"], Is.EqualTo(Depot));
            Assert.That((int)parties[0]["roles"]!["lastLawfulHolder"]!, Is.EqualTo(6));
            Assert.That((int)parties[0]["roles"]!["importer"]!, Is.EqualTo(6));
            Assert.That(parties.Select(p => (string?)p["name"]), Does.Not.Contain("Noise Owner 1"), "a party of one chain is below minFirearms 2");
            Assert.That(lastLawful.Select(p => (string?)p["name"]), Is.EqualTo(new[] { Depot, "TransLog Spedizioni Srl", lastLawful[2]["name"]!.GetValue<string>() }));
            Assert.That((int)lastLawful[2]["firearms"]!, Is.EqualTo(4));
            Assert.That(firstTwo.Select(p => p.ToJsonString()), Is.EqualTo(parties.Take(2).Select(p => p.ToJsonString())), "a page is the ranking's head");
        });
    }

    [Test]
    public async Task TheGraphMLExportHoldsTheSameGraphAsTheNetwork()
    {
        var id = (string)Items(await GetAsync(_s.Analyst, "/parties?role=buyer"))[0]["id"]!;
        var network = await GetAsync(_s.Analyst, $"/parties/{id}/network");
        var response = await _s.Analyst.GetAsync($"{Base}/network.graphml?party={id}");
        var xml = System.Xml.Linq.XDocument.Parse(await response.Content.ReadAsStringAsync());
        System.Xml.Linq.XNamespace ns = "http://graphml.graphdrawing.org/xmlns";
        Assert.Multiple(() =>
        {
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
            Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/graphml+xml"));
            Assert.That(xml.Descendants(ns + "node").Select(n => (string)n.Attribute("id")!),
                Is.EqualTo(network["nodes"]!.AsArray().Select(n => (string)n!["id"]!)));
            Assert.That(xml.Descendants(ns + "edge").Count(), Is.EqualTo(network["edges"]!.AsArray().Count));
        });
    }

    [Test]
    public async Task AnUnknownPartyHasNoNetwork()
    {
        var network = await _s.Analyst.GetAsync($"{Base}/parties/p0000000000000000/network");
        var graph = await _s.Analyst.GetAsync($"{Base}/network.graphml?party=p0000000000000000");
        await network.ExpectProblemAsync(HttpStatusCode.NotFound);
        await graph.ExpectProblemAsync(HttpStatusCode.NotFound);
    }

    [Test]
    public async Task TheStolenShipmentIsOneSerialRunHoldingExactlyItsPistols()
    {
        var runs = Items(await GetAsync(_s.Analyst, "/serial-runs?make=beretta"));
        var run = runs.Single();
        Assert.Multiple(() =>
        {
            Assert.That(run["firearms"]!.AsArray().Select(f => (long)f!), Is.EqualTo(_s.Lot));
            Assert.That((string?)run["canonicalMake"], Is.EqualTo("Beretta"));
            Assert.That((string?)run["model"], Is.EqualTo("92FS"));
            Assert.That((string?)run["firstSerial"], Is.EqualTo("BER100201"));
            Assert.That((string?)run["lastSerial"], Is.EqualTo("BER100205"));
            Assert.That(run["countries"]!.AsArray().Select(c => (string?)c), Is.EqualTo(new[] { "DE", "FR", "IT" }));
            Assert.That((string?)run["firstEvent"], Is.EqualTo("2024-01-01"));
            Assert.That(run["commonParties"]!.AsArray().Count, Is.EqualTo(2), "the maker and the carrier");
        });
    }

    [Test]
    public async Task SerialRunsArePagedWithACursor()
    {
        var all = Items(await GetAsync(_s.Analyst, "/serial-runs?maxGap=100000"));
        var first = await GetAsync(_s.Analyst, "/serial-runs?maxGap=100000&limit=1");
        var second = await GetAsync(_s.Analyst, $"/serial-runs?maxGap=100000&limit=1&cursor={(string)first["nextCursor"]!}");
        Assert.Multiple(() =>
        {
            Assert.That(all, Has.Length.GreaterThan(1));
            Assert.That(Items(first).Single()["firearms"]!.ToJsonString(), Is.EqualTo(all[0]["firearms"]!.ToJsonString()));
            Assert.That(Items(second).Single()["firearms"]!.ToJsonString(), Is.EqualTo(all[1]["firearms"]!.ToJsonString()));
        });
    }

    [Test]
    public async Task TrendsCountTheftsLossesSeizuresAndTraceRequestsPerPeriod()
    {
        var thefts = await GetAsync(_s.Analyst, "/trends?metric=thefts&by=year");
        var seizures = Items(await GetAsync(_s.Analyst, "/trends?metric=seizures&by=quarter&since=2025-01-01&until=2025-12-31"));
        var traces = Items(await GetAsync(_s.Analyst, "/trends?metric=traces&by=month"));
        var losses = Items(await GetAsync(_s.Analyst, "/trends?metric=losses&by=year&type=shotgun"));
        var yearly = Items(thefts).ToDictionary(p => (string)p["period"]!, p => (long)p["count"]!);
        Assert.Multiple(() =>
        {
            Assert.That((string?)thefts["metric"], Is.EqualTo("thefts"));
            Assert.That((string?)thefts["by"], Is.EqualTo("year"));
            // Depot thefts every 120 days from 2021-01-10 (three a year), the shipment's five in 2023, five noise thefts in 2020.
            Assert.That(yearly["2021"], Is.EqualTo(3));
            Assert.That(yearly["2022"], Is.EqualTo(3));
            Assert.That(yearly["2023"], Is.EqualTo(5));
            Assert.That(yearly["2020"], Is.EqualTo(5));
            Assert.That(seizures.Select(p => (string?)p["period"]), Is.EqualTo(new[] { "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4" }));
            Assert.That(traces.Sum(p => (long)p["count"]!), Is.EqualTo(16), "six depot rifles were traced with their maker's and their depot's countries, four pistols with the US");
            Assert.That(losses.Sum(p => (long)p["count"]!), Is.EqualTo(5));
        });
    }

    /// <summary>Every diversion row agency <paramref name="code"/> may see, as Core's facts, read from the database directly.</summary>
    private List<DiversionFact> VisibleDiversions(string code)
    {
        using var connection = new SqliteConnection($"Data Source={App.DatabasePath};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT dv.firearm_id, dv.country_code, dv.party_id, dv.party_name, dv.party_kind, dv.party_country, dv.reason, dv.time_to_crime_days
            FROM firearm_diversion dv CROSS JOIN agency a
            WHERE a.code = @code AND {AnalysisQueries.DerivedVisibleTo("dv").Replace("@callerAgencyId", "a.id").Replace("@callerCountry", "a.country_code")}
            """;
        command.Parameters.AddWithValue("@code", code);
        using var reader = command.ExecuteReader();
        var facts = new List<DiversionFact>();
        while (reader.Read())
        {
            string? Text(int i) => reader.IsDBNull(i) ? null : reader.GetString(i);
            CustodyVocabulary.TryParsePartyKind(Text(4), out var kind);
            CustodyVocabulary.TryParseDiversionReason(reader.GetString(6), out var reason);
            facts.Add(new DiversionFact(reader.GetInt64(0), Text(1),
                Text(2) is { } id ? new PartyRef(id, Text(3) ?? "", kind, Text(5)) : null,
                reason, reader.IsDBNull(7) ? null : reader.GetInt32(7)));
        }
        return facts;
    }

    [TestCase("country", DiversionGrouping.Country)]
    [TestCase("party", DiversionGrouping.Party)]
    [TestCase("reason", DiversionGrouping.Reason)]
    [TestCase("partyKind", DiversionGrouping.PartyKind)]
    public async Task DiversionSourcesCountedInTheDatabaseEqualCoresGroupingOfEveryVisibleDiversionOnEveryPage(string groupBy, DiversionGrouping grouping)
    {
        var all = DiversionSources.Aggregate(VisibleDiversions("NL-NP"), grouping);
        Assert.That(all, Has.Count.GreaterThan(2), "more groups than the short page holds");
        foreach (var limit in new[] { 2, 200 })
        {
            var expected = all.Take(limit).Select(g => new
            {
                country = g.CountryCode,
                party = g.Party?.Id,
                name = g.Party?.Name,
                reason = g.Reason is { } r ? CustodyVocabulary.ToWire(r) : null,
                partyKind = g.PartyKind is { } k ? CustodyVocabulary.ToWire(k) : null,
                firearms = g.Firearms,
                median = g.MedianTimeToCrimeDays,
            }).ToList();
            var actual = Items(await GetAsync(_s.Analyst, $"/diversion-sources?groupBy={groupBy}&limit={limit}")).Select(i => new
            {
                country = (string?)i["country"],
                party = (string?)i["party"]?["id"],
                name = (string?)i["party"]?["name"],
                reason = (string?)i["reason"],
                partyKind = (string?)i["partyKind"],
                firearms = (int)i["firearms"]!,
                median = (double?)i["medianTimeToCrimeDays"],
            }).ToList();
            Assert.That(actual, Is.EqualTo(expected), $"limit {limit}");
        }
    }
}
