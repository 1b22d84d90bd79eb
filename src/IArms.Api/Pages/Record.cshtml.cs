using Microsoft.AspNetCore.Mvc;
using IArms.Api.Agencies;
using IArms.Api.Audit;
using IArms.Api.Firearms;
using IArms.Api.Tracing;

namespace IArms.Api.Pages;

/// <summary>
/// One record as the officer's agency may see it (the API's visibility rule: a hidden record is "not found"), with
/// its trace report: the chain in date order, gaps, the point of diversion and the route through countries.
/// Audited as the two API reads it makes.
/// </summary>
public sealed class RecordModel(FirearmQueries firearms, TracingQueries tracing, AuditLog audit, TimeProvider clock) : OfficerPageModel(audit, clock)
{
    public FirearmResponse? Firearm { get; private set; }

    public TraceReportResponse? Report { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (!Caller.Has(Roles.Search))
        {
            return await DeniedAsync(AuditActions.FirearmRead, $"firearms/{id}");
        }
        var saved = await firearms.GetAsync(id, Caller, ct);
        await AuditAsync(AuditActions.FirearmRead, $"firearms/{id}", saved is null ? 404 : 200);
        if (saved is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return Page();
        }
        Firearm = saved.Record;
        Report = await tracing.ReportAsync(id, Caller, ct);
        await AuditAsync(AuditActions.TraceRead, $"firearms/{id}/trace", Report is null ? 404 : 200);
        return Page();
    }

    /// <summary>The countries the chain passed through, in order, each once per stay.</summary>
    public IReadOnlyList<string> Route()
    {
        var route = new List<string>();
        foreach (var e in Report?.Chain.Where(e => e.RetractedAt is null) ?? [])
        {
            var country = e.CountryCode ?? e.ToParty?.CountryCode;
            if (country is { Length: > 0 } && (route.Count == 0 || route[^1] != country))
            {
                route.Add(country);
            }
        }
        return route;
    }

    /// <summary>The gap that follows an event, if any.</summary>
    public TraceGap? GapAfter(long eventId) => Report?.Gaps.FirstOrDefault(g => g.AfterEventId == eventId);

    public static string Party(CustodyParty? party) => party is null ? "unknown"
        : $"{party.Name ?? "unnamed"} ({party.Kind}{(party.CountryCode is null ? "" : ", " + party.CountryCode)})";
}
