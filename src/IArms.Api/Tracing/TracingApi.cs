using IArms.Api.Infrastructure.OpenApi;
using IArms.Api.Audit;
using IArms.Api.Bulk;
using IArms.Api.Agencies;
using IArms.Api.Infrastructure;

namespace IArms.Api.Tracing;

/// <summary>
/// Tracing: custody events on a firearm, its trace report, and trace requests between agencies.
/// </summary>
/// <remarks>
/// Access: an agency may read the trace of a firearm it may see, or on which it is the addressee of an open or
/// answered trace request sent by the record's owner (the owner may share beyond its visibility; any other
/// requester may name only an addressee inside it). Anyone else is answered 404, as if the firearm did not exist.
/// Only the owner adds events directly; the others contribute by answering trace requests; an event's source may
/// retract it. A trace request is visible to its two parties only; only the addressee answers (once), only the
/// requester closes.
/// </remarks>
public static class TracingApi
{
    public static RouteGroupBuilder MapTracing(this IEndpointRouteBuilder routes)
    {
        var firearms = routes.MapGroup("/firearms/{id:long}").WithTags("Tracing");
        firearms.MapPost("/custody-events", AddEvent).RequireAuthorization(Policies.RecordOrTrace)
            .ProducesProblem(403).ProducesProblem(404).Idempotent()
            .Audited(AuditActions.CustodyEventAdd).WithName("AddCustodyEvent").WithSummary("The record's owner adds one custody event to its chain, with its agency as the event's source.");
        firearms.MapPost("/custody-events/{eventId:long}/retract", Retract).RequireAuthorization(Policies.RecordOrTrace)
            .ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .Audited(AuditActions.CustodyEventRetracted).WithName("RetractCustodyEvent").WithSummary("The event's source retracts it: kept and marked in the chain, audited, left out of the analysis.");
        firearms.MapGet("/trace", Trace).RequireAuthorization(Roles.Search).ProducesProblem(404).WithETag()
            .Audited(AuditActions.TraceRead).WithName("GetTraceReport").WithSummary("The trace report: chain in time order, gaps, diversion point, time to crime, indicators.");

        var requests = routes.MapGroup("/trace-requests").WithTags("Trace requests").RequireAuthorization(Roles.Trace);
        requests.MapPost("/", CreateRequest).ProducesProblem(404).ProducesProblem(422).Idempotent()
            .Audited(AuditActions.TraceRequestCreate).WithName("CreateTraceRequest").WithSummary("Asks another agency for its records on a firearm; the addressee gets a trace-request alert.");
        requests.MapGet("/", ListRequests).ProducesValidationProblem()
            .Audited(AuditActions.TraceRequestList).WithName("ListTraceRequests").WithSummary("The caller agency's incoming and/or outgoing trace requests, newest first.");
        requests.MapGet("/stats", Stats)
            .Audited(AuditActions.TraceRequestStats).WithName("GetTraceRequestStats").WithSummary("Per addressee country: requests received, answered, median days to answer, overdue now.");
        requests.MapGet("/{id:long}", GetRequest).ProducesProblem(404).WithETag()
            .Audited(AuditActions.TraceRequestRead).WithName("GetTraceRequest").WithSummary("One trace request the caller's agency sent or received.");
        requests.MapPost("/{id:long}/response", Answer)
            .ProducesProblem(403).ProducesProblem(404).ProducesProblem(409).Idempotent()
            .Audited(AuditActions.TraceRequestAnswer).WithName("AnswerTraceRequest").WithSummary("The addressee answers, once; the events join the chain and the requester gets a trace-answered alert.");
        requests.MapPost("/{id:long}/close", Close).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .Audited(AuditActions.TraceRequestClose).WithName("CloseTraceRequest").WithSummary("The requester closes a request; the addressee no longer reads the firearm through it.");
        return requests;
    }

    /// <summary>Registers the tracing feature's queries, service, options and overdue sweep.</summary>
    public static IServiceCollection AddTracing(this IServiceCollection services)
    {
        services.AddOptions<TracingOptions>().BindConfiguration(TracingOptions.Section)
            .Validate(o => o.OverdueSweepSeconds >= 1, $"{TracingOptions.Section}:OverdueSweepSeconds must be at least 1.")
            .ValidateOnStart();
        services.AddSingleton<TracingQueries>();
        services.AddSingleton<TraceRequestService>();
        services.AddSingleton<TraceOverdueSweep>();
        services.AddHostedService(sp => sp.GetRequiredService<TraceOverdueSweep>());
        return services;
    }

    private static async Task<Results<Created<CustodyEventResponse>, ValidationProblem, ProblemHttpResult>> AddEvent(
        long id, CustodyEventRequest request, Caller caller, TraceRequestService service, CancellationToken ct) =>
        await service.AddEventAsync(id, request, caller, ct) switch
        {
            // Events have no route of their own: they are read as part of the firearm's trace report.
            TraceRequestService.AddEventOutcome.Added(var added) => TypedResults.Created(TraceLocation(id), added),
            TraceRequestService.AddEventOutcome.Invalid(var errors) => TypedResults.ValidationProblem(errors, title: "The request is not valid."),
            TraceRequestService.AddEventOutcome.NotOwner => Forbidden(
                $"Only the owner of firearm record {id} adds custody events to its chain directly. To contribute your agency's records, " +
                "answer a trace request about it (POST /api/v1/trace-requests/{id}/response), or ask the owner to send you one."),
            _ => FirearmNotFound(id),
        };

    private static async Task<Results<Ok<CustodyEventResponse>, ProblemHttpResult>> Retract(
        long id, long eventId, RetractCustodyEventRequest request, Caller caller, TraceRequestService service, CancellationToken ct) =>
        await service.RetractAsync(id, eventId, request.Reason!, caller, ct) switch
        {
            TraceRequestService.RetractOutcome.Retracted(var retracted) => TypedResults.Ok(retracted),
            TraceRequestService.RetractOutcome.NotSource(var source) =>
                Forbidden($"Custody event {eventId} was supplied by {source}; only an event's source retracts it."),
            TraceRequestService.RetractOutcome.AlreadyRetracted => Problems.Conflict($"Custody event {eventId} is already retracted."),
            _ => Problems.NotFound($"Firearm record {id} visible to your agency has no custody event {eventId}."),
        };

    private static async Task<Results<Ok<TraceReportResponse>, ProblemHttpResult>> Trace(
        long id, Caller caller, TracingQueries queries, CancellationToken ct) =>
        await queries.ReportAsync(id, caller, ct) is { } report ? TypedResults.Ok(report) : FirearmNotFound(id);

    private static async Task<Results<Created<TraceRequestResponse>, ProblemHttpResult>> CreateRequest(
        CreateTraceRequest request, Caller caller, TraceRequestService service, CancellationToken ct) =>
        await service.CreateAsync(request, caller, ct) switch
        {
            TraceRequestService.CreateOutcome.Created(var created) => TypedResults.Created(RequestLocation(created.Id), created),
            TraceRequestService.CreateOutcome.AgencyNotFound =>
                Problems.NotFound($"No agency has code '{request.ToAgency}'; GET /api/v1/agencies lists them."),
            TraceRequestService.CreateOutcome.ToSelf =>
                Problems.BadRequest("toAgency", "'toAgency' is your own agency; a trace request asks another agency for its records."),
            // 422, not 409: nothing about the request conflicts with a concurrent change, and resending it will not
            // help; its content breaks a rule of the sharing model. It names only what the requester already sees
            // (the record's visibility, in GET /firearms/{id}, and the addressee's country, in GET /agencies).
            TraceRequestService.CreateOutcome.OutsideVisibility(var toAgency, var toCountry) => SharingRefused(toAgency, toCountry),
            _ => FirearmNotFound(request.FirearmId!.Value),
        };

    private static async Task<Results<Ok<TraceRequestPage>, ProblemHttpResult>> ListRequests(
        Caller caller, TracingQueries queries, CancellationToken ct,
        [Vocabulary(typeof(TraceVocabulary), nameof(TraceVocabulary.Directions))] string? direction, [Vocabulary(typeof(TraceVocabulary), nameof(TraceVocabulary.Statuses))] string? status, [AsParameters] PageRequest page)
    {
        if (direction is not null and not (TraceVocabulary.Incoming or TraceVocabulary.Outgoing))
        {
            return Problems.BadRequest("direction", "'direction' must be 'incoming' or 'outgoing' (omit it for both).");
        }
        if (status is not null && !TraceVocabulary.Statuses.Contains(status))
        {
            return Problems.BadRequest("status", $"'status' must be one of {string.Join(", ", TraceVocabulary.Statuses)}.");
        }
        if (page.TryRead(long.MaxValue, out var take, out var beforeId) is { } badPage)
        {
            return badPage;
        }
        return TypedResults.Ok(await queries.ListRequestsAsync(caller, direction, status, beforeId, take, ct));
    }

    private static async Task<Results<Ok<TraceRequestResponse>, ProblemHttpResult>> GetRequest(
        long id, Caller caller, TracingQueries queries, CancellationToken ct) =>
        await queries.GetRequestAsync(id, caller, ct) is { } found ? TypedResults.Ok(found) : RequestNotFound(id);

    private static async Task<Ok<TraceCountryStatsPage>> Stats(Caller caller, TracingQueries queries, CancellationToken ct) =>
        TypedResults.Ok(new TraceCountryStatsPage(await queries.StatsAsync(caller, ct), null));

    private static async Task<Results<Ok<TraceRequestResponse>, ValidationProblem, ProblemHttpResult>> Answer(
        long id, TraceAnswerRequest answer, Caller caller, TraceRequestService service, CancellationToken ct) =>
        await service.AnswerAsync(id, answer, caller, ct) switch
        {
            TraceRequestService.AnswerOutcome.Answered(var answered) => TypedResults.Ok(answered),
            TraceRequestService.AnswerOutcome.Invalid(var errors) => TypedResults.ValidationProblem(errors, title: "The request is not valid."),
            TraceRequestService.AnswerOutcome.NotAddressee => Forbidden($"Only the addressee of trace request {id} may answer it."),
            TraceRequestService.AnswerOutcome.NotOpen(var status) =>
                Problems.Conflict($"Trace request {id} is {status}; a request is answered once, while it is open."),
            // The request itself may be read (as a conversation without firearm), but answering it would add to the chain
            // of a record the caller no longer sees: refused as if the firearm did not exist. A closed request is 409 above.
            TraceRequestService.AnswerOutcome.FirearmNotShared(var firearmId) => FirearmNotFound(firearmId),
            _ => RequestNotFound(id),
        };

    private static async Task<Results<Ok<TraceRequestResponse>, ProblemHttpResult>> Close(
        long id, Caller caller, TraceRequestService service, CancellationToken ct) =>
        await service.CloseAsync(id, caller, ct) switch
        {
            TraceRequestService.CloseOutcome.Closed(var closed) => TypedResults.Ok(closed),
            TraceRequestService.CloseOutcome.NotRequester => Forbidden($"Only the agency that sent trace request {id} may close it."),
            TraceRequestService.CloseOutcome.AlreadyClosed => Problems.Conflict($"Trace request {id} is already closed."),
            _ => RequestNotFound(id),
        };

    private static string TraceLocation(long firearmId) => $"{IArmsApp.ApiBase}/firearms/{firearmId}/trace";

    private static string RequestLocation(long id) => $"{IArmsApp.ApiBase}/trace-requests/{id}";

    private static ProblemHttpResult FirearmNotFound(long id) => Problems.NotFound($"No firearm record {id} is visible to your agency.");

    private static ProblemHttpResult RequestNotFound(long id) => Problems.NotFound($"Your agency neither sent nor received trace request {id}.");

    private static ProblemHttpResult SharingRefused(string toAgency, string toCountry)
    {
        var message = $"'{toAgency}' ({toCountry}) is outside the record's visibility; only the record's owner may share it beyond its visibility.";
        return TypedResults.Problem(new HttpValidationProblemDetails(new Dictionary<string, string[]> { ["toAgency"] = [message] })
        {
            Status = 422,
            Title = "The record's visibility does not include the addressee.",
            Detail = "A trace request shares the record with its addressee, so it may name only an agency inside the record's visibility " +
                     "(a listed country, or scope all), unless the owner sends it. Ask the record's owner to send the request, or to widen the visibility.",
        });
    }

    private static ProblemHttpResult Forbidden(string detail) => TypedResults.Problem(detail, statusCode: 403, title: "Forbidden.");
}
