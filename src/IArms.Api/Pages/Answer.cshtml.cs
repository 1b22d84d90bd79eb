using Microsoft.AspNetCore.Mvc;
using FluentValidation;
using IArms.Api.Agencies;
using IArms.Api.Audit;
using IArms.Api.Tracing;

namespace IArms.Api.Pages;

/// <summary>
/// The addressee answers a trace request with an outcome and the custody events its records hold: the API's answer,
/// validated by its validator and the domain rules of the tracing service, with each message beside its field.
/// </summary>
public sealed class AnswerModel(TracingQueries tracing, TraceRequestService service, IValidator<TraceAnswerRequest> validator, AuditLog audit, TimeProvider clock)
    : OfficerPageModel(audit, clock)
{
    public const int EventRows = 3;

    public TraceRequestResponse? TraceRequest { get; private set; }

    [BindProperty]
    public AnswerForm Form { get; set; } = new();

    public IDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    public string? Problem { get; private set; }

    public async Task<IActionResult> OnGetAsync(long id, CancellationToken ct)
    {
        if (!Caller.Has(Roles.Trace))
        {
            return await DeniedAsync(AuditActions.TraceRequestRead, $"trace-requests/{id}");
        }
        TraceRequest = await tracing.GetRequestAsync(id, Caller, ct);
        await AuditAsync(AuditActions.TraceRequestRead, $"trace-requests/{id}", TraceRequest is null ? 404 : 200);
        if (TraceRequest is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(long id, CancellationToken ct)
    {
        var objectId = $"trace-requests/{id}/response";
        if (!Caller.Has(Roles.Trace))
        {
            return await DeniedAsync(AuditActions.TraceRequestAnswer, objectId);
        }
        var answer = Form.ToRequest();
        var validation = await validator.ValidateAsync(answer, ct);
        var outcome = validation.IsValid
            ? await service.AnswerAsync(id, answer, Caller, ct)
            : new TraceRequestService.AnswerOutcome.Invalid(validation.ToDictionary());
        var status = outcome switch
        {
            TraceRequestService.AnswerOutcome.Answered => 200,
            TraceRequestService.AnswerOutcome.Invalid => 400,
            TraceRequestService.AnswerOutcome.NotAddressee => 403,
            TraceRequestService.AnswerOutcome.NotOpen => 409,
            _ => 404,
        };
        await AuditAsync(AuditActions.TraceRequestAnswer, objectId, status);
        if (outcome is TraceRequestService.AnswerOutcome.Answered)
        {
            TempData["Notice"] = $"Trace request {id} answered.";
            return RedirectToPage("/Inbox");
        }
        Response.StatusCode = status;
        Errors = outcome is TraceRequestService.AnswerOutcome.Invalid(var errors) ? errors : new Dictionary<string, string[]>();
        Problem = outcome switch
        {
            TraceRequestService.AnswerOutcome.Invalid => "The answer could not be recorded: see the fields marked below.",
            TraceRequestService.AnswerOutcome.NotAddressee => $"Only the addressee of trace request {id} may answer it.",
            TraceRequestService.AnswerOutcome.NotOpen(var s) => $"Trace request {id} is {s}; a request is answered once, while it is open.",
            _ => $"Trace request {id} or its firearm is not visible to your agency.",
        };
        TraceRequest = await tracing.GetRequestAsync(id, Caller, ct);
        return Page();
    }

    public string? ErrorOf(string field) => Errors.TryGetValue(field, out var m) ? string.Join(" ", m) : null;

    /// <summary>Every message about one event row (its fields and its parties), said beside the row.</summary>
    public IEnumerable<string> ErrorsOfEvent(int index) => Errors
        .Where(e => e.Key.StartsWith($"events[{index}]", StringComparison.Ordinal))
        .SelectMany(e => e.Value.Select(m => $"{e.Key[$"events[{index}]".Length..].TrimStart('.')} {m}".Trim()));

    /// <summary>The answer form: the outcome and up to <see cref="EventRows"/> custody events; empty rows are left out.</summary>
    public sealed class AnswerForm
    {
        public string? Outcome { get; set; }
        public string? ReasonCode { get; set; }
        public string? Notes { get; set; }
        public List<EventForm> Events { get; set; } = [.. Enumerable.Range(0, EventRows).Select(_ => new EventForm())];

        public TraceAnswerRequest ToRequest() => new(
            Outcome, string.IsNullOrWhiteSpace(ReasonCode) ? null : ReasonCode,
            [.. Events.Where(e => !e.IsEmpty).Select(e => e.ToRequest())], Notes);
    }

    public sealed class EventForm
    {
        public string? Type { get; set; }
        public DateOnly? Date { get; set; }
        public string? FromName { get; set; }
        public string? FromKind { get; set; }
        public string? FromCountry { get; set; }
        public string? ToName { get; set; }
        public string? ToKind { get; set; }
        public string? ToCountry { get; set; }
        public string? CountryCode { get; set; }
        public string? Place { get; set; }
        public string? DocumentReference { get; set; }
        public string? Notes { get; set; }

        public bool IsEmpty => string.IsNullOrWhiteSpace(Type) && Date is null && string.IsNullOrWhiteSpace(FromName) && string.IsNullOrWhiteSpace(ToName);

        public CustodyEventRequest ToRequest() => new(Type, Date, Party(FromName, FromKind, FromCountry), Party(ToName, ToKind, ToCountry),
            Blank(CountryCode), Blank(Place), Blank(DocumentReference), Blank(Notes), null);

        private static CustodyParty? Party(string? name, string? kind, string? country) =>
            string.IsNullOrWhiteSpace(name) && string.IsNullOrWhiteSpace(kind) ? null : new CustodyParty(Blank(name), Blank(kind), Blank(country), null);

        private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}
