using IArms.Api.Agencies;
using IArms.Api.Data;
using IArms.Api.Firearms;
using IArms.Api.Officers;
using IArms.Api.Tracing;

namespace IArms.Api.Hosting;

/// <summary>
/// A few agencies, keys and records so that a newcomer can try the API at once (<c>scripts/run.sh</c>).
/// The keys are fixed and public: demo databases only.
/// </summary>
public sealed class DemoData(
    Db db, AgencyQueries agencies, FirearmQueries records, FirearmService firearms, TraceRequestService traces, OfficerAccounts officers, ILogger<DemoData> logger)
{
    /// <summary>The demo officer of the Bundeskriminalamt, for the officer's page (printed by scripts/run.sh; demo databases only).</summary>
    public const string OfficerUsername = "demo.officer";
    public const string OfficerPassword = "demo-officer-password";
    public const string OfficerTotpSecret = "IARMSDEMOTOTPSECRETFORDEBKA23456";

    public static readonly IReadOnlyList<(string Code, string Name, string Country, string Key, string[] Roles)> Agencies =
    [
        ("FR-NCB", "INTERPOL NCB Paris", "FR", "demo-fr-ncb-key-0000000000000001", [Roles.Search, Roles.Record, Roles.Trace, Roles.Audit]),
        ("DE-BKA", "Bundeskriminalamt", "DE", "demo-de-bka-key-0000000000000002", [Roles.Search, Roles.Record, Roles.Trace, Roles.Audit, Roles.Analysis]),
        ("US-ATF", "Bureau of Alcohol, Tobacco, Firearms and Explosives", "US", "demo-us-atf-key-0000000000000003", [Roles.Search, Roles.Record, Roles.Trace]),
        ("BE-FPP", "Belgian Federal Police", "BE", "demo-be-fpp-key-0000000000000004", [Roles.Search]),
        ("UA-NCB", "INTERPOL NCB Kyiv", "UA", "demo-ua-ncb-key-0000000000000005", [Roles.Search, Roles.Record, Roles.Trace]),
    ];

    public async Task SeedAsync(CancellationToken ct)
    {
        if (await records.AnyAsync(ct))
        {
            return;
        }

        var callers = new Dictionary<string, Caller>();
        foreach (var (code, name, country, key, roles) in Agencies)
        {
            var created = await agencies.CreateAsync(code, name, country, ct);
            var id = (await agencies.FindIdAsync(code, ct))!.Value;
            if (created is not null)
            {
                await using var session = await db.PrimaryAsync(ct);
                var issued = await agencies.CreateKeyAsync(session, id, key, roles, "demo key");
                callers[code] = new Caller(id, code, country, issued.Id, roles.ToHashSet());
            }
        }
        if (callers.Count == 0)
        {
            return;
        }

        var recorded = new Dictionary<string, long>();
        foreach (var (owner, record) in Records())
        {
            if (await firearms.CreateAsync(record, callers[owner], ct) is FirearmService.CreateOutcome.Created(var saved))
            {
                recorded[record.ExternalId!] = saved.Record.Id;
            }
        }
        if (recorded.TryGetValue("DE-BKA-77001", out var rifle) && callers.ContainsKey("UA-NCB"))
        {
            await TraceAsync(rifle, callers["DE-BKA"], callers["UA-NCB"], ct);
        }
        if (callers.TryGetValue("DE-BKA", out var bka))
        {
            await officers.CreateEnrolledAsync(bka.AgencyId, OfficerUsername, "Demo Officer (BKA)", [Roles.Search, Roles.Record, Roles.Trace],
                OfficerPassword, IArms.Core.Security.Totp.FromBase32(OfficerTotpSecret)!, ct);
        }
        logger.LogInformation("Seeded demo data: {Agencies} agencies, {Records} records", callers.Count, Records().Count());
    }

    /// <summary>
    /// The seized AKM is traced: Germany asks Ukraine, which answers with the rifle's lawful life up to
    /// its theft from a state depot, so that the trace report has a chain and a point of diversion to show.
    /// </summary>
    private async Task TraceAsync(long firearmId, Caller requester, Caller addressee, CancellationToken ct)
    {
        var outcome = await traces.CreateAsync(
            new CreateTraceRequest(firearmId, addressee.AgencyCode, "urgent", "AKM seized in Hamburg; serial partly ground. Please trace.", null), requester, ct);
        if (outcome is not TraceRequestService.CreateOutcome.Created(var request))
        {
            return;
        }
        static CustodyParty Party(string name, string kind, string country) => new(name, kind, country, null);
        var izhmash = Party("Izhevsk Mechanical Plant", "manufacturer", "RU");
        var depot = Party("Ministry of Defence depot 1142", "state-stockpile", "UA");
        await traces.AnswerAsync(request.Id, new TraceAnswerRequest("traced", null,
        [
            new("manufactured", new DateOnly(1988, 5, 10), null, izhmash, "RU", "Izhevsk", "ledger 88/1142", null, null),
            new("transferred", new DateOnly(1989, 2, 1), izhmash, depot, "UA", "Kharkiv", "transfer 89-0042", null,
                new CustodyAuthorization("transfer-permit", "MoD-89-0042")),
            new("reported-stolen", new DateOnly(2022, 4, 1), depot, null, "UA", "Kharkiv", "UA-MoD-2022-118", "Depot overrun", null),
        ], "Rifle listed in the depot inventory until the 2022 loss report."), addressee, ct);
    }

    private static IEnumerable<(string Owner, FirearmRequest Record)> Records()
    {
        static FirearmRequest R(string externalId, string serial, string make, string model, string calibre, string type,
            string? country, int? year, string status, string eventDate, string eventCountry, string place, Visibility? visibility = null,
            IReadOnlyList<OtherSerial>? others = null, bool obliterated = false) =>
            new(externalId, serial, others, make, model, calibre, type, country, year, "", status, DateOnly.Parse(eventDate, System.Globalization.CultureInfo.InvariantCulture),
                eventCountry, place, $"CASE-{externalId}", obliterated, visibility ?? new Visibility("all", null), "");

        yield return ("FR-NCB", R("FR-2026-000123", "AB 123-456", "Glock", "17", "9x19mm", "pistol", "AT", 2015, "stolen", "2026-10-01", "FR", "Lyon",
            others: [new OtherSerial("slide", "AB123456")]));
        yield return ("FR-NCB", R("FR-2026-000124", "PY12345", "Beretta", "92FS", "9x19mm", "pistol", "IT", 2009, "lost", "2025-03-14", "FR", "Marseille"));
        yield return ("DE-BKA", R("DE-BKA-77001", "1988-KF 4471", "Kalashnikov", "AKM", "7.62x39mm", "assault-rifle", "RU", 1988, "trafficked", "2024-06-02", "DE", "Hamburg"));
        yield return ("DE-BKA", R("DE-BKA-77002", "WB 45213", "Walther", "P99", "9x19mm", "pistol", "DE", 2004, "stolen", "2023-11-20", "DE", "Köln",
            visibility: new Visibility("countries", ["FR", "BE"])));
        yield return ("US-ATF", R("ATF-2026-55", "LW 019283", "Colt", "M1911A1", ".45 ACP", "pistol", "US", 1944, "smuggled", "2026-02-09", "US", "Laredo, TX"));
        yield return ("US-ATF", R("ATF-2026-56", "SN 7?1-22", "Smith & Wesson", "686", ".357 Magnum", "revolver", "US", 1990, "seized", "2026-05-30", "MX", "Nuevo Laredo", obliterated: true));
    }
}
