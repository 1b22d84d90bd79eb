using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using IArms.Core.Tracing;
using Microsoft.Data.Sqlite;

namespace IArms.Benchmarks;

/// <summary>
/// Custody chains for the data generator (<c>--chains-share F</c>): a share of the records gets a chain
/// shaped by its status (manufacture, a licensed export and import when made abroad, sales, then theft,
/// loss or diversion and often a seizure abroad), and, among them, planted structure with a known answer:
/// leaking stockpiles, straw buyers and stolen lots with consecutive serials. The ground truth goes to
/// <c>PATH.planted.json</c> so benchmarks and acceptance tests can check that the analysis finds it.
/// </summary>
/// <remarks>
/// Chains draw from their own random stream, so the records themselves do not depend on the share, and
/// the same seed gives the same chains. Planted lots use serial prefixes with a <c>Q</c>, a letter no
/// synthetic maker's serial contains, so random noise can never fall inside a planted run; everything
/// else planted (depots, buyers) hides among noise of the same shape.
/// </remarks>
internal sealed class ChainGenerator
{
    private static readonly DateOnly Today = new(2026, 11, 30);

    private static readonly string[] FirstNames =
    [
        "James", "Maria", "Ahmed", "Olga", "Pierre", "Anna", "Luca", "Sofia", "Jan", "Eva", "Mehmet", "Fatima", "Carlos", "Ana", "Piotr",
        "Katarzyna", "Lars", "Ingrid", "Dimitri", "Elena", "Kofi", "Amara", "Hiroshi", "Yuki", "Rahul", "Priya", "Thomas", "Julia", "Marco", "Laura",
        "David", "Sarah", "Ivan", "Natalia", "Miguel", "Lucia", "Stefan", "Petra", "Ali", "Leila", "Daniel", "Emma", "Pavel", "Irina", "Jose", "Rosa",
    ];

    private static readonly string[] Surnames =
    [
        "Smith", "Garcia", "Müller", "Rossi", "Dubois", "Kowalski", "Novak", "Jensen", "Ivanov", "Popescu", "Yilmaz", "Silva", "Okafor", "Mensah",
        "Tanaka", "Sharma", "Nguyen", "Kim", "Fischer", "Bianchi", "Lefebvre", "Nowak", "Horvat", "Petrov", "Georgiou", "Santos", "Lopez", "Brown",
        "Wilson", "Schmidt", "Moreau", "Ricci", "Svoboda", "Nielsen", "Kuznetsov", "Stoica", "Demir", "Pereira", "Adeyemi", "Owusu", "Suzuki", "Patel",
        "Tran", "Park", "Weber", "Romano", "Girard", "Wisniewski", "Kovac", "Sokolov", "Papadopoulos", "Costa", "Hernandez", "Taylor", "Martin",
    ];

    private static readonly string[] ShopWords = ["Guns", "Arms", "Outdoor", "Hunting", "Shooting Supplies", "Sporting", "Armory", "Tactical"];
    private static readonly string[] LegalForms = ["", "", " Ltd", " GmbH", " LLC", " SARL", " S.p.A.", " BV", " Inc.", " s.r.o."];

    private readonly List<AgencyRow> _agencies;
    private readonly Dictionary<string, AgencyRow> _agencyByCountry = new(StringComparer.Ordinal);
    private readonly Dictionary<long, PlantedRecord> _planted = new();
    private readonly Random _random;
    private readonly double _share;
    private readonly GroundTruth _truth;

    public ChainGenerator(long records, double share, int seed, List<AgencyRow> agencies)
    {
        _agencies = agencies;
        foreach (var agency in agencies)
        {
            _agencyByCountry.TryAdd(agency.Country, agency);
        }

        _share = share;
        _random = new Random(unchecked(seed * 31 + 7));
        _truth = new GroundTruth(seed, records, share);
        var chains = (long)(records * share);
        if (chains >= 150)
        {
            Plant(records, chains);
        }
        else if (share > 0)
        {
            Console.WriteLine($"only {chains} chains: too few to plant scenarios (needs 150, e.g. --records 2000 --chains-share 0.1)");
        }
    }

    public long Chains { get; private set; }

    public long Events { get; private set; }

    /// <summary>The planted record with this id, if any: the generator writes its fields instead of random ones.</summary>
    public bool TryGetPlanted(long id, out PlantedRecord record) => _planted.TryGetValue(id, out record!);

    /// <summary>Whether a noise record gets a chain; planted records always have one.</summary>
    public bool WantsChain(long id) => _planted.ContainsKey(id) || (_share > 0 && _random.NextDouble() < _share);

    public void WriteGroundTruth(string databasePath)
    {
        _truth.Chains = Chains;
        _truth.CustodyEvents = Events;
        var path = databasePath + ".planted.json";
        File.WriteAllText(path, JsonSerializer.Serialize(_truth, new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        }));
        Console.WriteLine($"ground truth: {path}");
    }

    // ---- planting ----

    private sealed record Depot(string Name, PartyKind Kind, string Country, string Transit, string[] SeizedIn, string Make, string Model, string Calibre, string MakerCountry, string MakerName);

    private sealed record StrawBuyer(string[] Spellings, string Country, string? Licence, string Dealer, string DealerLicence, string[] SeizedIn, (string Make, string Model, string Calibre, string MakerCountry)[] Pistols);

    private sealed record Lot(string Make, string Model, string Calibre, string Type, string MakerCountry, string MakerName, string Prefix, int Digits, int Start, string Importer, string Country, string[] SeizedIn);

    private void Plant(long records, long chains)
    {
        Depot[] depots =
        [
            new("Central Arsenal No. 3, Ministry of Defence", PartyKind.StateStockpile, "UA", "MD", ["FR", "DE", "NL"], "Kalashnikov", "AKM", "7.62x39mm", "RU", "Izhmash"),
            new("Rajlovac Military Depot", PartyKind.Military, "BA", "HR", ["AT", "DE", "SE"], "Zastava", "M70", "7.62x39mm", "RS", "Zastava Oruzje"),
            new("Police Central Firearms Store", PartyKind.Police, "ZA", "MZ", ["KE", "NG"], "Kalashnikov", "AK-47", "7.62x39mm", "RU", "Izhmash"),
        ];
        StrawBuyer[] buyers =
        [
            new(["Robert Lee Carver", "CARVER, Robert Lee", "carver robert lee", "Robert-Lee CARVER", "Róbert Lee Carver"], "US", null,
                "Lone Star Guns LLC", "5-74-01234", ["MX", "CO", "CA", "BR"],
                [("Glock", "19", "9x19mm", "AT"), ("Smith & Wesson", "M&P9", "9x19mm", "US"), ("Taurus", "G2C", "9x19mm", "BR")]),
            new(["Markus Gruber", "GRUBER Markus", "Gruber, Markus", "markus  GRUBER"], "AT", null,
                "Waffen Haas GmbH", "AT-W-2231", ["DE", "SE", "FR", "IT"],
                [("Glock", "17", "9x19mm", "AT"), ("Walther", "PPQ", "9x19mm", "DE")]),
            new(["Tomáš Novák", "NOVAK Tomas", "Novák, Tomáš", "Tomas Novak"], "CZ", "ZP-448812",
                "Zbrojnice Brno s.r.o.", "CZ-ZB-17", ["DE", "AT", "PL", "GB"],
                [("CZ", "75 B", "9x19mm", "CZ"), ("Glock", "19", "9x19mm", "AT")]),
        ];
        Lot[] lots =
        [
            new("Glock", "17", "9x19mm", "pistol", "AT", "Glock GmbH", "QAB", 4, 1200, "Euro Arms Import BV", "BE", ["NL", "FR", "DE", "GB", "BE"]),
            new("CZ", "75 B", "9x19mm", "pistol", "CZ", "Ceska zbrojovka a.s.", "Q", 6, 402300, "Balkan Trade d.o.o.", "RS", ["AT", "DE", "GR"]),
            new("Beretta", "92FS", "9x19mm", "pistol", "IT", "Beretta S.p.A.", "QF", 5, 40310, "Armeria Iberica SL", "ES", ["PT", "FR", "MA"]),
        ];

        // Depots lose more than any other planted source, so "the depot tops the diversion sources" is checkable.
        var perDepot = (int)Math.Clamp(chains / 40, 12, 60);
        var perBuyer = 6 + (int)Math.Min(4, chains / 5000);
        var perLot = 8 + (int)Math.Min(6, chains / 5000);
        var planted = depots.Length * perDepot + buyers.Length * perBuyer + lots.Length * perLot;
        // Spread over the id range so planted records mix with noise in every page and index.
        var ids = new Queue<long>(Enumerable.Range(0, planted).Select(i => 1 + (long)((i + 0.5) * records / planted)).Distinct());
        if (ids.Count < planted)
        {
            return;
        }

        foreach (var depot in depots)
        {
            var truth = new PlantedGroup("stockpile", depot.Name, CustodyVocabulary.ToWire(depot.Kind), depot.Country) { TransitCountry = depot.Transit };
            var maker = new Party(depot.MakerName, PartyKind.Manufacturer, depot.MakerCountry, null);
            var holder = new Party(depot.Name, depot.Kind, depot.Country, null);
            var delivered = new DateOnly(2012, 5, 14);
            for (var i = 0; i < perDepot; i++)
            {
                var id = ids.Dequeue();
                // Losses spread over two years, then months to years on the road before a seizure.
                var stolen = new DateOnly(2021, 3, 1).AddDays(_random.Next(730));
                var transit = stolen.AddDays(20 + _random.Next(120));
                var seized = transit.AddDays(30 + _random.Next(600));
                var seizedIn = depot.SeizedIn[i % depot.SeizedIn.Length];
                var owner = AgencyIn(seizedIn);
                var courier = new Party(PersonName(), PartyKind.PrivatePerson, depot.Transit, null);
                var events = new List<GeneratedEvent>
                {
                    new(CustodyEventType.Manufactured, new DateOnly(2011, 9, 1), null, maker, depot.MakerCountry, null, null),
                    new(CustodyEventType.Exported, delivered, maker, holder, depot.MakerCountry, new Authorization(AuthorizationKind.ExportLicence, $"EL-{depot.MakerCountry}-2012-0071"), null),
                    new(CustodyEventType.Imported, delivered.AddDays(9), maker, holder, depot.Country, new Authorization(AuthorizationKind.EndUserCertificate, $"EUC-{depot.Country}-2012-114"), null),
                    new(CustodyEventType.ReportedStolen, stolen, holder, null, depot.Country, null, null),
                    new(CustodyEventType.Transferred, transit, new Party("unknown", PartyKind.Unknown, null, null), courier, depot.Transit, null, null),
                    new(CustodyEventType.Seized, seized, courier, new Party("Police", PartyKind.Police, seizedIn, null), seizedIn, null, owner.Id),
                };
                var serial = $"{1970 + _random.Next(20)}-{Letter()}{Letter()}-{_random.Next(10000):D4}";
                _planted[id] = new PlantedRecord(depot.Make, depot.Model, depot.Calibre, "assault-rifle", depot.MakerCountry, serial, seized, seizedIn, owner, events);
                truth.FirearmIds.Add(id);
                truth.SeizureCountries.Add(seizedIn);
            }

            _truth.Stockpiles.Add(truth);
        }

        foreach (var buyer in buyers)
        {
            var truth = new PlantedGroup("straw-buyer", buyer.Spellings[0], "private-person", buyer.Country) { Spellings = [.. buyer.Spellings], Dealer = buyer.Dealer };
            var dealer = new Party(buyer.Dealer, PartyKind.Dealer, buyer.Country, buyer.DealerLicence);
            var firstPurchase = new DateOnly(2023, 2, 1).AddDays(_random.Next(300));
            for (var i = 0; i < perBuyer; i++)
            {
                var id = ids.Dequeue();
                var (make, model, calibre, makerCountry) = buyer.Pistols[i % buyer.Pistols.Length];
                var maker = new Party(make, PartyKind.Manufacturer, makerCountry, null);
                // Several pistols within six weeks, each seized somewhere else within a year or so.
                var bought = firstPurchase.AddDays(_random.Next(42));
                var seized = bought.AddDays(60 + _random.Next(400));
                var seizedIn = buyer.SeizedIn[i % buyer.SeizedIn.Length];
                var owner = AgencyIn(seizedIn);
                // Each seizing agency writes the buyer its own way; some give the buyer's licence.
                var spelling = buyer.Spellings[i % buyer.Spellings.Length];
                var person = new Party(spelling, PartyKind.PrivatePerson, i % 3 == 2 ? null : buyer.Country, i % 2 == 0 ? buyer.Licence : null);
                var events = NewAndDelivered(maker, dealer, makerCountry, buyer.Country, bought.AddDays(-200 - _random.Next(300)));
                events.Add(new(CustodyEventType.Sold, bought, i % 4 == 3 ? null : dealer, person, buyer.Country, null, null));
                events.Add(new(CustodyEventType.Seized, seized, null, new Party("Police", PartyKind.Police, seizedIn, null), seizedIn, null, owner.Id));
                _planted[id] = new PlantedRecord(make, model, calibre, "pistol", makerCountry, null, seized, seizedIn, owner, events);
                truth.FirearmIds.Add(id);
                truth.SeizureCountries.Add(seizedIn);
            }

            _truth.StrawBuyers.Add(truth);
        }

        foreach (var lot in lots)
        {
            var truth = new PlantedGroup("serial-run", $"{lot.Make} {lot.Model} stolen from {lot.Importer}", "importer", lot.Country) { Make = lot.Make, Model = lot.Model };
            var maker = new Party(lot.MakerName, PartyKind.Manufacturer, lot.MakerCountry, null);
            var importer = new Party(lot.Importer, PartyKind.Importer, lot.Country, $"IMP-{lot.Country}-{lot.Start % 1000}");
            var shipped = new DateOnly(2022, 6, 1).AddDays(_random.Next(200));
            var stolen = shipped.AddDays(12);
            var number = lot.Start;
            for (var i = 0; i < perLot; i++)
            {
                var id = ids.Dequeue();
                var serial = lot.Prefix + number.ToString(new string('0', lot.Digits), CultureInfo.InvariantCulture);
                number += 1 + _random.Next(6);
                var seized = stolen.AddDays(40 + _random.Next(540));
                var seizedIn = lot.SeizedIn[i % lot.SeizedIn.Length];
                var owner = AgencyIn(seizedIn);
                var events = NewAndDelivered(maker, importer, lot.MakerCountry, lot.Country, shipped);
                events.Add(new(CustodyEventType.ReportedStolen, stolen, importer, null, lot.Country, null, null));
                events.Add(new(CustodyEventType.Seized, seized, null, new Party("Police", PartyKind.Police, seizedIn, null), seizedIn, null, owner.Id));
                _planted[id] = new PlantedRecord(lot.Make, lot.Model, lot.Calibre, lot.Type, lot.MakerCountry, serial, seized, seizedIn, owner, events);
                truth.FirearmIds.Add(id);
                truth.SeizureCountries.Add(seizedIn);
                truth.Serials.Add(serial);
            }

            _truth.SerialRuns.Add(truth);
        }
    }

    /// <summary>Manufacture and, when made abroad, a licensed export and import to <paramref name="to"/>; otherwise a sale to it.</summary>
    private List<GeneratedEvent> NewAndDelivered(Party maker, Party to, string makerCountry, string country, DateOnly delivered)
    {
        var made = delivered.AddDays(-30 - _random.Next(700));
        var events = new List<GeneratedEvent> { new(CustodyEventType.Manufactured, made, null, maker, makerCountry, null, null) };
        if (makerCountry == country)
        {
            events.Add(new(CustodyEventType.Sold, delivered, maker, to, country, null, null));
        }
        else
        {
            var licence = $"EL-{makerCountry}-{delivered.Year}-{_random.Next(100000):D5}";
            events.Add(new(CustodyEventType.Exported, delivered, maker, to, makerCountry, new Authorization(AuthorizationKind.ExportLicence, licence), null));
            events.Add(new(CustodyEventType.Imported, delivered.AddDays(3 + _random.Next(20)), maker, to, country,
                new Authorization(AuthorizationKind.ImportLicence, $"IL-{country}-{delivered.Year}-{_random.Next(100000):D5}"), null));
        }

        return events;
    }

    // ---- noise ----

    /// <summary>A chain consistent with a random record: made where its maker is, sold where it was reported, ending as its status says.</summary>
    public List<GeneratedEvent> NoiseChain(string make, string makerCountry, int? year, string status, DateOnly eventDate, string eventCountry, AgencyRow owner)
    {
        var country = owner.Country;
        var made = new DateOnly(year ?? 1990 + _random.Next(30), 1 + _random.Next(12), 1 + _random.Next(28));
        if (made > eventDate.AddDays(-120))
        {
            made = eventDate.AddDays(-120 - _random.Next(3000));
        }

        var span = eventDate.DayNumber - made.DayNumber;
        var maker = new Party(make, PartyKind.Manufacturer, makerCountry, null);
        var dealer = Dealer(country);
        var delivered = made.AddDays(span / 5);
        var events = NewAndDelivered(maker, dealer, makerCountry, country, delivered);
        // After the import has arrived (up to 23 days after the export) and before the record's event.
        var sold = made.AddDays(span / 3 + _random.Next(Math.Max(1, span / 3)));
        sold = sold < delivered.AddDays(30) ? delivered.AddDays(30) : sold;
        sold = sold >= eventDate ? eventDate.AddDays(-1) : sold;
        var roll = _random.Next(100);
        var holder = roll < 2 ? dealer : new Party(PersonName(), PartyKind.PrivatePerson, country, _random.Next(3) == 0 ? $"{country}-{_random.Next(1_000_000):D6}" : null);
        if (holder != dealer)
        {
            events.Add(new(CustodyEventType.Sold, sold, dealer, holder, country, null, null));
        }

        var police = new Party("Police", PartyKind.Police, eventCountry, null);
        switch (status)
        {
            case "stolen":
            case "lost":
                events.Add(new(status == "stolen" ? CustodyEventType.ReportedStolen : CustodyEventType.ReportedLost, eventDate, holder, null, country, null, null));
                if (_random.Next(10) < 3 && eventDate < Today.AddDays(-60))
                {
                    var abroad = _agencies[_random.Next(_agencies.Count)];
                    var found = eventDate.AddDays(30 + _random.Next(Math.Max(1, Today.DayNumber - eventDate.DayNumber - 30)));
                    events.Add(new(CustodyEventType.Seized, found, null, new Party("Police", PartyKind.Police, abroad.Country, null), abroad.Country, null, abroad.Id));
                }

                break;
            case "trafficked":
            case "smuggled":
                var buyer = new Party(PersonName(), PartyKind.PrivatePerson, eventCountry, null);
                var moved = eventDate.AddDays(-10 - _random.Next(200));
                events.Add(new(CustodyEventType.Transferred, moved > sold ? moved : sold.AddDays(1), holder, buyer, eventCountry, null, null));
                events.Add(new(CustodyEventType.Seized, eventDate, buyer, police, eventCountry, null, null));
                break;
            default:
                // Seized or recovered with nothing recorded in between: a post-custody gap.
                events.Add(new(status == "recovered" ? CustodyEventType.Recovered : CustodyEventType.Seized, eventDate, null, police, eventCountry, null, null));
                break;
        }

        return events;
    }

    // Dealers and importers are a fixed pool per country, so they recur across chains as real ones do.
    private readonly Dictionary<string, Party[]> _dealers = new(StringComparer.Ordinal);

    private Party Dealer(string country)
    {
        if (!_dealers.TryGetValue(country, out var pool))
        {
            var r = new Random(country[0] * 256 + country[1]);
            pool = new Party[60];
            for (var i = 0; i < pool.Length; i++)
            {
                var name = $"{Surnames[r.Next(Surnames.Length)]} {ShopWords[r.Next(ShopWords.Length)]}{LegalForms[r.Next(LegalForms.Length)]}";
                pool[i] = new Party(name, PartyKind.Dealer, country, $"{country}-D-{r.Next(100000):D5}");
            }

            _dealers[country] = pool;
        }

        return pool[_random.Next(pool.Length)];
    }

    private string PersonName() =>
        $"{FirstNames[_random.Next(FirstNames.Length)]} {Letter()}. {Surnames[_random.Next(Surnames.Length)]}";

    private char Letter() => (char)('A' + _random.Next(26));

    private AgencyRow AgencyIn(string country) =>
        _agencyByCountry.TryGetValue(country, out var agency) ? agency : _agencies[0];

    // ---- writing ----

    private SqliteCommand? _insert;

    public void Write(SqliteConnection connection, SqliteTransaction tx, long firearmId, IReadOnlyList<GeneratedEvent> events, AgencyRow owner, DateTimeOffset recorded)
    {
        _insert ??= Insert(connection);
        _insert.Transaction = tx;
        var p = _insert.Parameters;
        Chains++;
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            p[0].Value = firearmId;
            p[1].Value = CustodyVocabulary.ToWire(e.Type);
            p[2].Value = e.Date;
            SetParty(p, 3, e.From);
            SetParty(p, 7, e.To);
            p[11].Value = (object?)e.Country ?? DBNull.Value;
            p[12].Value = DBNull.Value;
            p[13].Value = $"DOC-{firearmId}-{i}";
            p[14].Value = e.Authorization is null ? DBNull.Value : CustodyVocabulary.ToWire(e.Authorization.Kind);
            p[15].Value = (object?)e.Authorization?.Reference ?? DBNull.Value;
            p[16].Value = e.SourceAgencyId ?? owner.Id;
            p[17].Value = recorded.AddMinutes(i);
            _insert.ExecuteNonQuery();
            Events++;
        }
    }

    private static void SetParty(SqliteParameterCollection p, int at, Party? party)
    {
        p[at].Value = (object?)party?.Name ?? DBNull.Value;
        p[at + 1].Value = party is null ? DBNull.Value : CustodyVocabulary.ToWire(party.Kind);
        p[at + 2].Value = (object?)party?.CountryCode ?? DBNull.Value;
        p[at + 3].Value = (object?)party?.Licence ?? DBNull.Value;
    }

    private static SqliteCommand Insert(SqliteConnection connection)
    {
        var command = connection.CreateCommand();
        // As CustodyEventStore writes it: wire names, ISO dates, no notes; no trace request.
        command.CommandText = """
            INSERT INTO custody_event (firearm_id, type, event_date,
                from_party_name, from_party_kind, from_party_country, from_party_licence,
                to_party_name, to_party_kind, to_party_country, to_party_licence,
                country_code, place, document_reference, notes, authorization_kind, authorization_reference,
                source_agency_id, trace_request_id, recorded_at)
            VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10, $p11, $p12, $p13, NULL, $p14, $p15, $p16, NULL, $p17)
            """;
        for (var i = 0; i < 18; i++)
        {
            command.Parameters.Add(new SqliteParameter($"$p{i}", null));
        }

        return command;
    }
}

/// <summary>One generated custody event; <see cref="SourceAgencyId"/> null means the record's owner supplied it.</summary>
internal sealed record GeneratedEvent(
    CustodyEventType Type, DateOnly Date, Party? From, Party? To, string? Country, Authorization? Authorization, long? SourceAgencyId);

/// <summary>A record whose fields the chain generator dictates.</summary>
internal sealed record PlantedRecord(
    string Make, string Model, string Calibre, string Type, string CountryOfManufacture, string? Serial,
    DateOnly SeizedOn, string SeizedIn, AgencyRow Owner, List<GeneratedEvent> Events);

/// <summary>The planted scenarios, as written to <c>PATH.planted.json</c>.</summary>
internal sealed class GroundTruth(int seed, long records, double chainsShare)
{
    public int Seed { get; } = seed;
    public long Records { get; } = records;
    public double ChainsShare { get; } = chainsShare;
    public long Chains { get; set; }
    public long CustodyEvents { get; set; }
    public List<PlantedGroup> Stockpiles { get; } = [];
    public List<PlantedGroup> StrawBuyers { get; } = [];
    public List<PlantedGroup> SerialRuns { get; } = [];
}

/// <summary>One planted structure and the firearms that belong to it.</summary>
internal sealed class PlantedGroup(string scenario, string name, string kind, string countryCode)
{
    public string Scenario { get; } = scenario;
    public string Name { get; } = name;
    public string Kind { get; } = kind;
    public string CountryCode { get; } = countryCode;
    public string? TransitCountry { get; init; }
    public string? Dealer { get; init; }
    public string? Make { get; init; }
    public string? Model { get; init; }
    public List<string>? Spellings { get; init; }
    public List<string> Serials { get; } = [];
    public List<long> FirearmIds { get; } = [];
    public List<string> SeizureCountries { get; } = [];
}
