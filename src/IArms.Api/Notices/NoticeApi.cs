using IArms.Api.Agencies;
using IArms.Api.Audit;
using IArms.Api.Bulk;
using IArms.Api.Infrastructure;

namespace IArms.Api.Notices;

/// <summary>
/// Notices from one country to many (issue 17): sent with the <c>record</c> role, naming records the sender may see
/// and/or a serial run, to <c>["all"]</c> or a list of countries. Every agency of those countries gets a <c>notice</c>
/// alert (and its webhooks the delivery); searches for a named record or a serial in the run show the notice, and its
/// sender gets a <c>hit</c>. A notice is visible to its sender and its addressees only; anyone else is answered 404.
/// </summary>
public static class NoticeApi
{
    public static RouteGroupBuilder MapNotices(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/notices").WithTags("Notices").RequireAuthorization(Policies.Any);
        group.MapPost("/", Create).RequireAuthorization(Roles.Record).ProducesProblem(404).Idempotent()
            .Audited(AuditActions.NoticeCreate).WithName("CreateNotice")
            .WithSummary("Sends a notice to every agency of the addressed countries; each gets a notice alert.")
            .WithDescription("Named records must be visible to the sender (404 otherwise). A serial run is matched on the make's canonical name and on the serial's shape around its last run of digits.");
        group.MapGet("/", List).ProducesValidationProblem()
            .Audited(AuditActions.NoticeList).WithName("ListNotices").WithSummary("The notices the caller's agency received and/or sent, newest first.")
            .WithDescription("direction=incoming|outgoing (both when absent); status=active|expired|withdrawn (all when absent).");
        group.MapGet("/{id:long}", Get).ProducesProblem(404)
            .Audited(AuditActions.NoticeRead).WithName("GetNotice").WithSummary("One notice; to its sender, with who acknowledged it and when.")
            .WithDescription("Visible to its sender and to the agencies it addressed.");
        group.MapPost("/{id:long}/acknowledge", Acknowledge).ProducesProblem(403).ProducesProblem(404)
            .Audited(AuditActions.NoticeAcknowledge).WithName("AcknowledgeNotice").WithSummary("An addressed agency acknowledges the notice (and closes its notice alert).")
            .WithDescription("Acknowledging twice keeps the first time.");
        group.MapPost("/{id:long}/withdraw", Withdraw).RequireAuthorization(Roles.Record).ProducesProblem(403).ProducesProblem(404)
            .Audited(AuditActions.NoticeWithdraw).WithName("WithdrawNotice").WithSummary("The sender withdraws the notice: it stops showing as active.")
            .WithDescription("Only the sender withdraws; withdrawing twice keeps the first time.");
        return group;
    }

    /// <summary>Registers the notices feature's service and the index the search reads.</summary>
    public static IServiceCollection AddNotices(this IServiceCollection services) =>
        services.AddSingleton<NoticeIndex>().AddSingleton<NoticeService>();

    private static async Task<Results<Created<NoticeResponse>, ProblemHttpResult>> Create(
        CreateNoticeRequest request, Caller caller, NoticeService service, CancellationToken ct) =>
        await service.CreateAsync(request, caller, ct) switch
        {
            NoticeService.CreateOutcome.Created(var notice) => TypedResults.Created($"/api/v1/notices/{notice.Id}", notice),
            NoticeService.CreateOutcome.Invalid(var field, var message) => Problems.BadRequest(field, message),
            NoticeService.CreateOutcome.FirearmsNotFound(var ids) =>
                Problems.NotFound($"No firearm record visible to your agency has id {string.Join(", ", ids)}; a notice names only records its sender may see."),
            _ => throw new InvalidOperationException("Unknown outcome."),
        };

    private static async Task<Results<Ok<NoticePage>, ProblemHttpResult>> List(
        Caller caller, NoticeService service, CancellationToken ct, string? direction, string? status, [AsParameters] PageRequest page)
    {
        if (direction is not null and not (NoticeStatuses.Incoming or NoticeStatuses.Outgoing))
        {
            return Problems.BadRequest("direction", "'direction' must be 'incoming' or 'outgoing' (omit it for both).");
        }
        if (status is not null && !NoticeStatuses.All.Contains(status))
        {
            return Problems.BadRequest("status", $"'status' must be one of {string.Join(", ", NoticeStatuses.All)}.");
        }
        if (page.TryRead(long.MaxValue, out var take, out var beforeId) is { } badPage)
        {
            return badPage;
        }
        return TypedResults.Ok(await service.ListAsync(caller, direction, status, beforeId, take, ct));
    }

    private static async Task<Results<Ok<NoticeResponse>, ProblemHttpResult>> Get(long id, Caller caller, NoticeService service, CancellationToken ct) =>
        await service.GetAsync(caller, id, ct) is { } notice ? TypedResults.Ok(notice) : NotFound(id);

    private static async Task<Results<Ok<NoticeResponse>, ProblemHttpResult>> Acknowledge(long id, Caller caller, NoticeService service, CancellationToken ct) =>
        await service.AcknowledgeAsync(caller, id, ct) switch
        {
            (NoticeService.ChangeOutcome.Done, var notice) => TypedResults.Ok(notice!),
            (NoticeService.ChangeOutcome.NotRecipient, _) => TypedResults.Problem(
                $"Notice {id} is your agency's own; its addressees acknowledge it.", statusCode: 403, title: "Forbidden."),
            _ => NotFound(id),
        };

    private static async Task<Results<Ok<NoticeResponse>, ProblemHttpResult>> Withdraw(long id, Caller caller, NoticeService service, CancellationToken ct) =>
        await service.WithdrawAsync(caller, id, ct) switch
        {
            (NoticeService.ChangeOutcome.Done, var notice) => TypedResults.Ok(notice!),
            (NoticeService.ChangeOutcome.NotSender, _) => TypedResults.Problem(
                $"Notice {id} was sent by another agency; only its sender withdraws it.", statusCode: 403, title: "Forbidden."),
            _ => NotFound(id),
        };

    private static ProblemHttpResult NotFound(long id) => Problems.NotFound($"Your agency neither sent nor received notice {id}.");
}
