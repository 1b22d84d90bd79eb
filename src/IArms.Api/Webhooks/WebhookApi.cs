using IArms.Api.Agencies;
using IArms.Api.Audit;
using IArms.Api.Data;
using IArms.Api.Infrastructure;
using Microsoft.Extensions.Options;

namespace IArms.Api.Webhooks;

/// <summary>
/// Webhooks: the endpoints of an agency's national system, to which every alert of a subscribed kind is pushed
/// (Standard Webhooks: <c>webhook-id</c>, <c>webhook-timestamp</c>, <c>webhook-signature</c>), at least once. Managed by
/// the agency's <c>admin</c> for its own agency, and by the central administrator for any; others are answered 403.
/// </summary>
public static class WebhookApi
{
    public static RouteGroupBuilder MapWebhooks(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/agencies/{code}/webhooks").WithTags("Webhooks").RequireAuthorization(Roles.Admin);
        // Not Idempotent(): a replayed answer would have to keep the signing secret in the replay store.
        group.MapPost("/", Create).ProducesProblem(403).ProducesProblem(404)
            .Audited(AuditActions.WebhookCreate).WithName("CreateWebhook")
            .WithSummary("Registers an endpoint for some events; the signing secret is shown once.")
            .WithDescription("The URL must be https (http only to loopback with Webhooks:AllowLoopback) and must not resolve to a private, loopback or link-local address.");
        group.MapGet("/", List).ProducesProblem(403).ProducesProblem(404).ProducesValidationProblem()
            .Audited(AuditActions.WebhookList).WithName("ListWebhooks").WithSummary("The agency's endpoints, newest first.")
            .WithDescription("Secrets are never shown again.");
        group.MapGet("/{id:long}", Get).ProducesProblem(403).ProducesProblem(404)
            .Audited(AuditActions.WebhookRead).WithName("GetWebhook").WithSummary("One endpoint.").WithDescription("Without its secret.");
        group.MapDelete("/{id:long}", Delete).ProducesProblem(403).ProducesProblem(404)
            .Audited(AuditActions.WebhookDelete).WithName("DeleteWebhook").WithSummary("Removes an endpoint; its pending deliveries end.")
            .WithDescription("Its deliveries stay readable in the audit of attempts until the endpoint's history is purged.");
        group.MapPost("/{id:long}/test", Test).ProducesProblem(403).ProducesProblem(404)
            .Audited(AuditActions.WebhookTest).WithName("TestWebhook").WithSummary("Queues a signed ping to the endpoint.")
            .WithDescription("A delivery of type 'ping', sent and retried like any other; follow it in the endpoint's deliveries.");
        group.MapPost("/{id:long}/rotate-secret", Rotate).ProducesProblem(403).ProducesProblem(404)
            .Audited(AuditActions.WebhookRotateSecret).WithName("RotateWebhookSecret").WithSummary("Issues a new signing secret, shown once.")
            .WithDescription("For Webhooks:RotationOverlapHours (24 by default) every delivery carries two signatures, with the new and the previous secret, so the receiver can switch without losing a delivery.");
        group.MapGet("/{id:long}/deliveries", Deliveries).ProducesProblem(403).ProducesProblem(404).ProducesValidationProblem()
            .Audited(AuditActions.WebhookDeliveries).WithName("ListWebhookDeliveries").WithSummary("The endpoint's deliveries, newest first, with their latest attempt.")
            .WithDescription("Filter with status=pending|delivered|failed.");
        group.MapPost("/{id:long}/deliveries/{deliveryId:long}/redeliver", Redeliver).ProducesProblem(403).ProducesProblem(404)
            .Audited(AuditActions.WebhookRedeliver).WithName("RedeliverWebhook").WithSummary("Sends a delivery again, with a fresh retry window.")
            .WithDescription("The webhook-id stays the same, so a receiver that already has the message can recognise it.");
        return group;
    }

    /// <summary>Registers the webhooks feature: options, secrets, the address guard and the dispatcher.</summary>
    public static IServiceCollection AddWebhooks(this IServiceCollection services)
    {
        services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.Section)
            .Validate(o => o.TimeoutSeconds > 0 && o.RetryHours > 0 && o.PollMilliseconds >= 10 && o.MaxConcurrency >= 1
                           && o.PerEndpointConcurrency >= 1 && o.LeaseSeconds > o.TimeoutSeconds && o.InitialBackoffSeconds > 0,
                $"{WebhookOptions.Section}: timeouts, windows and concurrency must be positive, and LeaseSeconds longer than TimeoutSeconds.")
            .ValidateOnStart();
        services.AddSingleton<WebhookSignal>();
        services.AddSingleton<WebhookSecrets>();
        services.AddSingleton<WebhookAddressGuard>();
        services.AddSingleton<WebhookDispatcher>();
        services.AddHostedService(sp => sp.GetRequiredService<WebhookDispatcher>());
        return services;
    }

    private static async Task<Results<Created<WebhookResponse>, ProblemHttpResult>> Create(
        string code, CreateWebhookRequest request, Caller caller, Db db, WebhookAddressGuard guard, WebhookSecrets secrets,
        TimeProvider clock, CancellationToken ct)
    {
        if (!caller.Manages(code))
        {
            return OtherAgency(code);
        }
        if (await guard.CheckAsync(request.Url!, ct) is { } refused)
        {
            return Problems.BadRequest("url", refused);
        }
        await using var session = await db.WriteAsync(ct);
        if (await AgencyQueries.FindIdAsync(session, code) is not { } agencyId)
        {
            return NoAgency(code);
        }
        var secret = WebhookSecrets.NewSecret();
        var id = await WebhookQueries.CreateAsync(session, agencyId, request.Url!, request.Events!, secrets.Encrypt(secret), clock.GetUtcNow());
        var created = (await WebhookQueries.FindAsync(session, agencyId, id))!;
        await session.CommitAsync();
        return TypedResults.Created($"/api/v1/agencies/{code}/webhooks/{id}", created.ToResponse(secret));
    }

    private static async Task<Results<Ok<WebhookPage>, ProblemHttpResult>> List(
        string code, Caller caller, Db db, CancellationToken ct, [AsParameters] PageRequest page)
    {
        if (!caller.Manages(code))
        {
            return OtherAgency(code);
        }
        if (page.TryRead(long.MaxValue, out var take, out var beforeId) is { } badPage)
        {
            return badPage;
        }
        await using var session = await db.PrimaryAsync(ct);
        if (await AgencyQueries.FindIdAsync(session, code) is not { } agencyId)
        {
            return NoAgency(code);
        }
        var rows = await WebhookQueries.ListAsync(session, agencyId, beforeId, take + 1);
        var items = rows.Take(take).Select(r => r.ToResponse()).ToList();
        return TypedResults.Ok(new WebhookPage(items, rows.Count > take ? Cursor.Encode(items[^1].Id) : null));
    }

    private static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> Get(
        string code, long id, Caller caller, Db db, CancellationToken ct)
    {
        if (!caller.Manages(code))
        {
            return OtherAgency(code);
        }
        await using var session = await db.PrimaryAsync(ct);
        var agencyId = await AgencyQueries.FindIdAsync(session, code);
        return agencyId is not null && await WebhookQueries.FindAsync(session, agencyId.Value, id) is { } row
            ? TypedResults.Ok(row.ToResponse())
            : NoWebhook(code, id);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(
        string code, long id, Caller caller, Db db, TimeProvider clock, CancellationToken ct)
    {
        if (!caller.Manages(code))
        {
            return OtherAgency(code);
        }
        await using var session = await db.WriteAsync(ct);
        var agencyId = await AgencyQueries.FindIdAsync(session, code);
        if (agencyId is null || !await WebhookQueries.DeleteAsync(session, agencyId.Value, id, clock.GetUtcNow()))
        {
            return NoWebhook(code, id);
        }
        await session.CommitAsync();
        return TypedResults.NoContent();
    }

    private static async Task<Results<Accepted<DeliveryResponse>, ProblemHttpResult>> Test(
        string code, long id, Caller caller, Db db, TimeProvider clock, WebhookSignal signal, CancellationToken ct)
    {
        if (!caller.Manages(code))
        {
            return OtherAgency(code);
        }
        await using var session = await db.WriteAsync(ct);
        var agencyId = await AgencyQueries.FindIdAsync(session, code);
        if (agencyId is null || await WebhookQueries.FindAsync(session, agencyId.Value, id) is null)
        {
            return NoWebhook(code, id);
        }
        var deliveryId = await WebhookQueries.PingAsync(session, id, clock.GetUtcNow());
        var delivery = (await WebhookQueries.DeliveryAsync(session, agencyId.Value, id, deliveryId))!;
        await session.CommitAsync();
        signal.Notify();
        return TypedResults.Accepted($"/api/v1/agencies/{code}/webhooks/{id}/deliveries", delivery);
    }

    private static async Task<Results<Ok<WebhookResponse>, ProblemHttpResult>> Rotate(
        string code, long id, Caller caller, Db db, WebhookSecrets secrets, TimeProvider clock, IOptions<WebhookOptions> options, CancellationToken ct)
    {
        if (!caller.Manages(code))
        {
            return OtherAgency(code);
        }
        await using var session = await db.WriteAsync(ct);
        var agencyId = await AgencyQueries.FindIdAsync(session, code);
        var secret = WebhookSecrets.NewSecret();
        if (agencyId is null || !await WebhookQueries.RotateAsync(session, agencyId.Value, id, secrets.Encrypt(secret),
                clock.GetUtcNow().AddHours(options.Value.RotationOverlapHours)))
        {
            return NoWebhook(code, id);
        }
        var row = (await WebhookQueries.FindAsync(session, agencyId.Value, id))!;
        await session.CommitAsync();
        return TypedResults.Ok(row.ToResponse(secret));
    }

    private static async Task<Results<Ok<DeliveryPage>, ProblemHttpResult>> Deliveries(
        string code, long id, Caller caller, Db db, CancellationToken ct, string? status, [AsParameters] PageRequest page)
    {
        if (!caller.Manages(code))
        {
            return OtherAgency(code);
        }
        if (status is not null && !DeliveryStatuses.All.Contains(status))
        {
            return Problems.BadRequest("status", $"'status' must be one of {string.Join(", ", DeliveryStatuses.All)}.");
        }
        if (page.TryRead(long.MaxValue, out var take, out var beforeId) is { } badPage)
        {
            return badPage;
        }
        await using var session = await db.PrimaryAsync(ct);
        var agencyId = await AgencyQueries.FindIdAsync(session, code);
        if (agencyId is null || await WebhookQueries.FindAsync(session, agencyId.Value, id) is null)
        {
            return NoWebhook(code, id);
        }
        var rows = await WebhookQueries.DeliveriesAsync(session, id, status, beforeId, take + 1);
        var items = rows.Take(take).ToList();
        return TypedResults.Ok(new DeliveryPage(items, rows.Count > take ? Cursor.Encode(items[^1].Id) : null));
    }

    private static async Task<Results<Accepted<DeliveryResponse>, ProblemHttpResult>> Redeliver(
        string code, long id, long deliveryId, Caller caller, Db db, TimeProvider clock, WebhookSignal signal, CancellationToken ct)
    {
        if (!caller.Manages(code))
        {
            return OtherAgency(code);
        }
        await using var session = await db.WriteAsync(ct);
        var agencyId = await AgencyQueries.FindIdAsync(session, code);
        if (agencyId is null || !await WebhookQueries.RedeliverAsync(session, agencyId.Value, id, deliveryId, clock.GetUtcNow()))
        {
            return Problems.NotFound($"Webhook {id} of agency '{code}' has no delivery {deliveryId}.");
        }
        var delivery = (await WebhookQueries.DeliveryAsync(session, agencyId.Value, id, deliveryId))!;
        await session.CommitAsync();
        signal.Notify();
        return TypedResults.Accepted($"/api/v1/agencies/{code}/webhooks/{id}/deliveries", delivery);
    }

    private static ProblemHttpResult NoAgency(string code) => Problems.NotFound($"No agency has code '{code}'.");

    private static ProblemHttpResult NoWebhook(string code, long id) => Problems.NotFound($"Agency '{code}' has no webhook {id}.");

    private static ProblemHttpResult OtherAgency(string code) => TypedResults.Problem(
        $"Your agency's admin key manages your agency's webhooks only, not those of '{code}'; the central administrator manages every agency's.",
        statusCode: 403, title: "Forbidden.");
}
