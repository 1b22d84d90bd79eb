using Microsoft.AspNetCore.Mvc;
using IArms.Api.Agencies;
using IArms.Api.Alerts;
using IArms.Api.Audit;
using IArms.Api.Tracing;

namespace IArms.Api.Pages;

/// <summary>The agency's inbox: open alerts to acknowledge, and trace requests received and sent, overdue ones marked.</summary>
public sealed class InboxModel(AlertQueries alerts, TracingQueries tracing, AuditLog audit, TimeProvider clock) : OfficerPageModel(audit, clock)
{
    public const int PageSize = 50;

    public AlertPage Alerts { get; private set; } = new([], null);

    public TraceRequestPage? Incoming { get; private set; }

    public TraceRequestPage? Outgoing { get; private set; }

    [TempData]
    public string? Notice { get; set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        Alerts = await alerts.ListAsync(Caller, openOnly: true, kind: null, beforeId: long.MaxValue, limit: PageSize, ct);
        await AuditAsync(AuditActions.AlertList, null);
        if (Caller.Has(Roles.Trace))
        {
            Incoming = await tracing.ListRequestsAsync(Caller, TraceVocabulary.Incoming, null, long.MaxValue, PageSize, ct);
            Outgoing = await tracing.ListRequestsAsync(Caller, TraceVocabulary.Outgoing, null, long.MaxValue, PageSize, ct);
            await AuditAsync(AuditActions.TraceRequestList, null);
        }
    }

    public async Task<IActionResult> OnPostAcknowledgeAsync(long id, CancellationToken ct)
    {
        var alert = await alerts.AcknowledgeAsync(Caller, id, ct);
        await AuditAsync(AuditActions.AlertAcknowledge, $"alerts/{id}/acknowledge", alert is null ? 404 : 200);
        Notice = alert is null ? $"Your agency has no alert {id}." : "Alert acknowledged.";
        return RedirectToPage();
    }
}
