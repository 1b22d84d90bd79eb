using System.Text.Json;
using IArms.Api.Alerts;
using IArms.Api.Data;
using IArms.Api.Firearms;
using IArms.Api.Infrastructure;

namespace IArms.Api.Webhooks;

/// <summary>All of the webhooks feature's SQL: endpoints and their subscriptions, the outbox, and the dispatcher's claims.</summary>
public static class WebhookQueries
{
    // ---- endpoints ----

    private static readonly Sql InsertEndpoint = new(d => d.InsertReturningId(
        "INSERT INTO webhook_endpoint (agency_id, url, events, secret, created_at)",
        "VALUES (@agencyId, @url, @events, @secret, @now)"));

    private static readonly Sql InsertSubscription = new(
        "INSERT INTO webhook_subscription (agency_id, event, endpoint_id) VALUES (@agencyId, @event, @endpointId)");

    private const string EndpointColumns = "e.id, a.code AS agency, e.agency_id, e.url, e.events, e.created_at, e.previous_secret_until";

    private static readonly Sql SelectEndpoints = new(d => $"""
        SELECT {d.Top("@take")} {EndpointColumns}
        FROM webhook_endpoint e JOIN agency a ON a.id = e.agency_id
        WHERE e.agency_id = @agencyId AND e.deleted_at IS NULL AND e.id < @beforeId
        ORDER BY e.id DESC {d.Limit("@take")}
        """);

    private static readonly Sql SelectEndpoint = new($"""
        SELECT {EndpointColumns}
        FROM webhook_endpoint e JOIN agency a ON a.id = e.agency_id
        WHERE e.id = @id AND e.agency_id = @agencyId AND e.deleted_at IS NULL
        """);

    private static readonly Sql DeleteEndpoint = new(
        "UPDATE webhook_endpoint SET deleted_at = @now WHERE id = @id AND agency_id = @agencyId AND deleted_at IS NULL");

    private static readonly Sql DeleteSubscriptions = new("DELETE FROM webhook_subscription WHERE endpoint_id = @id");

    /// <summary>A deleted endpoint's pending deliveries end: there is nowhere left to send them.</summary>
    private static readonly Sql AbandonDeliveries = new("""
        UPDATE webhook_delivery SET status = 'failed', last_error = 'The endpoint was deleted.', lease_until = NULL
        WHERE endpoint_id = @id AND status = 'pending'
        """);

    /// <summary>The new secret signs from now on; the previous one signs too until @until, so the receiver can switch without a gap.</summary>
    private static readonly Sql RotateSecret = new("""
        UPDATE webhook_endpoint SET previous_secret = secret, previous_secret_until = @until, secret = @secret
        WHERE id = @id AND agency_id = @agencyId AND deleted_at IS NULL
        """);

    // ---- the outbox ----

    private static readonly Sql SelectSubscribers = new(
        "SELECT endpoint_id FROM webhook_subscription WHERE agency_id = @agencyId AND event = @event");

    private static readonly Sql InsertDeliveries = new("""
        INSERT INTO webhook_delivery (endpoint_id, alert_id, event, order_key, payload, status, attempts, next_attempt_at, created_at)
        SELECT s.endpoint_id, @alertId, @event, @orderKey, @payload, 'pending', 0, @now, @now
        FROM webhook_subscription s WHERE s.agency_id = @agencyId AND s.event = @event
        """);

    private static readonly Sql InsertPing = new(d => d.InsertReturningId(
        "INSERT INTO webhook_delivery (endpoint_id, alert_id, event, order_key, payload, status, attempts, next_attempt_at, created_at)",
        "VALUES (@endpointId, NULL, 'ping', NULL, @payload, 'pending', 0, @now, @now)"));

    // ---- deliveries ----

    private const string DeliveryColumns = """
        d.id, d.event, d.alert_id, d.status, d.attempts, d.created_at, d.next_attempt_at, d.delivered_at,
        d.last_status_code, d.last_duration_ms, d.last_error, d.last_response
        """;

    private static readonly Sql SelectDeliveries = new(d => $"""
        SELECT {d.Top("@take")} {DeliveryColumns} FROM webhook_delivery d
        WHERE d.endpoint_id = @endpointId AND d.id < @beforeId AND (@status IS NULL OR d.status = @status)
        ORDER BY d.id DESC {d.Limit("@take")}
        """);

    private static readonly Sql SelectDelivery = new($"""
        SELECT {DeliveryColumns} FROM webhook_delivery d JOIN webhook_endpoint e ON e.id = d.endpoint_id
        WHERE d.id = @id AND d.endpoint_id = @endpointId AND e.agency_id = @agencyId
        """);

    /// <summary>Sent again from now, with a fresh retry window; the <c>webhook-id</c> stays, so a receiver that has it can tell.</summary>
    private static readonly Sql Redeliver = new("""
        UPDATE webhook_delivery SET status = 'pending', next_attempt_at = @now, retry_from = @now, lease_until = NULL, lease_token = NULL
        WHERE id = @id AND endpoint_id = @endpointId
          AND endpoint_id IN (SELECT id FROM webhook_endpoint WHERE agency_id = @agencyId AND deleted_at IS NULL)
        """);

    // ---- the dispatcher ----

    /// <summary>
    /// Due deliveries not claimed by anyone (or whose claim expired), oldest due first, skipping endpoints already at
    /// their share and any delivery behind an earlier pending one to the same endpoint about the same firearm.
    /// </summary>
    private static readonly Sql SelectDue = new(d => $"""
        SELECT {d.Top("@take")} w.id, w.endpoint_id FROM webhook_delivery w
        WHERE w.status = 'pending' AND w.next_attempt_at <= @now AND (w.lease_until IS NULL OR w.lease_until < @now)
          AND w.endpoint_id NOT IN {d.IdList("@busy")}
          AND NOT EXISTS (SELECT 1 FROM webhook_delivery p
                          WHERE p.endpoint_id = w.endpoint_id AND p.order_key = w.order_key AND p.status = 'pending' AND p.id < w.id)
        ORDER BY w.next_attempt_at, w.id {d.Limit("@take")}
        """);

    private static readonly Sql Lease = new(d => $"""
        UPDATE webhook_delivery SET lease_until = @until, lease_token = @token
        WHERE id IN {d.IdList("@ids")} AND status = 'pending' AND (lease_until IS NULL OR lease_until < @now)
        """);

    private static readonly Sql SelectClaimed = new(d => $"""
        SELECT w.id, w.endpoint_id, w.event, w.payload, w.attempts, w.created_at, w.retry_from, w.lease_until,
               e.agency_id, e.url, e.secret, e.previous_secret, e.previous_secret_until
        FROM webhook_delivery w JOIN webhook_endpoint e ON e.id = w.endpoint_id
        WHERE w.id IN {d.IdList("@ids")} AND w.lease_token = @token
        ORDER BY w.id
        """);

    private static readonly Sql Finish = new("""
        UPDATE webhook_delivery SET status = @Status, attempts = attempts + 1, next_attempt_at = @NextAttemptAt, delivered_at = @DeliveredAt,
               last_status_code = @StatusCode, last_duration_ms = @DurationMs, last_error = @Error, last_response = @Response,
               lease_until = NULL, lease_token = NULL
        WHERE id = @Id AND status = 'pending'
        """);

    private static readonly Sql InsertAttempt = new("""
        INSERT INTO webhook_attempt (delivery_id, attempted_at, status_code, duration_ms, error, response_body)
        VALUES (@Id, @AttemptedAt, @StatusCode, @DurationMs, @Error, @Response)
        """);

    private static readonly JsonSerializerOptions Json = FirearmQueries.Json;

    // ---- endpoints ----

    public static async Task<long> CreateAsync(SqlSession session, long agencyId, string url, IReadOnlyList<string> events, byte[] secret, DateTimeOffset now)
    {
        var id = await session.QuerySingleAsync<long>(InsertEndpoint, new { agencyId, url, events = string.Join(' ', events), secret, now });
        await session.ExecuteAsync(InsertSubscription, events.Select(e => new { agencyId, @event = e, endpointId = id }).ToList());
        return id;
    }

    public static Task<List<EndpointRow>> ListAsync(SqlSession session, long agencyId, long beforeId, int take) =>
        session.QueryAsync<EndpointRow>(SelectEndpoints, new { agencyId, beforeId, take });

    public static Task<EndpointRow?> FindAsync(SqlSession session, long agencyId, long id) =>
        session.QuerySingleOrDefaultAsync<EndpointRow>(SelectEndpoint, new { agencyId, id });

    public static async Task<bool> DeleteAsync(SqlSession session, long agencyId, long id, DateTimeOffset now)
    {
        if (await session.ExecuteAsync(DeleteEndpoint, new { agencyId, id, now }) == 0)
        {
            return false;
        }
        await session.ExecuteAsync(DeleteSubscriptions, new { id });
        await session.ExecuteAsync(AbandonDeliveries, new { id });
        return true;
    }

    public static async Task<bool> RotateAsync(SqlSession session, long agencyId, long id, byte[] secret, DateTimeOffset until) =>
        await session.ExecuteAsync(RotateSecret, new { agencyId, id, secret, until }) == 1;

    // ---- the outbox ----

    /// <summary>
    /// Writes, in the alert's transaction, one delivery per endpoint of <paramref name="agencyId"/> subscribed to
    /// <paramref name="kind"/>. One indexed read when nobody subscribes; the alert is read (for the payload) only when
    /// someone does. True when deliveries were written.
    /// </summary>
    public static async Task<bool> EnqueueAsync(
        SqlSession session, long agencyId, string kind, long? firearmId, DateTimeOffset now, Func<Task<AlertResponse>> alert)
    {
        if (!WebhookEvents.All.Contains(kind) || (await session.QueryAsync<long>(SelectSubscribers, new { agencyId, @event = kind })).Count == 0)
        {
            return false;
        }
        var data = await alert();
        var payload = JsonSerializer.Serialize(new WebhookMessage(kind, now, data), Json);
        await session.ExecuteAsync(InsertDeliveries, new { alertId = data.Id, @event = kind, orderKey = firearmId, payload, agencyId, now });
        return true;
    }

    public static Task<long> PingAsync(SqlSession session, long endpointId, DateTimeOffset now) =>
        session.QuerySingleAsync<long>(InsertPing, new
        {
            endpointId, now, payload = JsonSerializer.Serialize(new WebhookMessage(WebhookEvents.Ping, now, new { endpointId }), Json),
        });

    // ---- deliveries ----

    public static async Task<List<DeliveryResponse>> DeliveriesAsync(SqlSession session, long endpointId, string? status, long beforeId, int take) =>
        [.. (await session.QueryAsync<DeliveryRow>(SelectDeliveries, new { endpointId, status, beforeId, take })).Select(r => r.ToResponse())];

    public static async Task<DeliveryResponse?> DeliveryAsync(SqlSession session, long agencyId, long endpointId, long id) =>
        (await session.QuerySingleOrDefaultAsync<DeliveryRow>(SelectDelivery, new { agencyId, endpointId, id }))?.ToResponse();

    public static async Task<bool> RedeliverAsync(SqlSession session, long agencyId, long endpointId, long id, DateTimeOffset now) =>
        await session.ExecuteAsync(Redeliver, new { agencyId, endpointId, id, now }) == 1;

    // ---- the dispatcher ----

    public static Task<List<DueRow>> DueAsync(SqlSession session, DateTimeOffset now, IEnumerable<long> busy, int take) =>
        session.QueryAsync<DueRow>(SelectDue, new { now, busy = SqlList.Of(busy), take });

    /// <summary>Claims the deliveries (those nobody else claimed meanwhile) until <paramref name="until"/>, and reads them.</summary>
    public static async Task<List<ClaimedRow>> ClaimAsync(SqlSession session, IReadOnlyList<long> ids, DateTimeOffset now, DateTimeOffset until)
    {
        var token = Guid.NewGuid().ToString();
        var list = SqlList.Of(ids);
        await session.ExecuteAsync(Lease, new { ids = list, now, until, token });
        return await session.QueryAsync<ClaimedRow>(SelectClaimed, new { ids = list, token });
    }

    public static async Task FinishAsync(SqlSession session, Outcome outcome)
    {
        await session.ExecuteAsync(Finish, outcome);
        await session.ExecuteAsync(InsertAttempt, outcome);
    }

    /// <summary>The JSON body of every delivery (Standard Webhooks): the event type, when it happened, and the alert.</summary>
    /// <param name="Type">The event.</param>
    /// <param name="Timestamp">When it happened.</param>
    /// <param name="Data">The alert, as <c>GET /alerts</c> shows it.</param>
    public sealed record WebhookMessage(string Type, DateTimeOffset Timestamp, object Data);

    public sealed class EndpointRow
    {
        public long Id { get; set; }
        public string Agency { get; set; } = "";
        public long AgencyId { get; set; }
        public string Url { get; set; } = "";
        public string Events { get; set; } = "";
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? PreviousSecretUntil { get; set; }

        public WebhookResponse ToResponse(string? secret = null) =>
            new(Id, Agency, Url, Events.Split(' ', StringSplitOptions.RemoveEmptyEntries), CreatedAt, secret, PreviousSecretUntil);
    }

    public sealed class DueRow
    {
        public long Id { get; set; }
        public long EndpointId { get; set; }
    }

    private sealed class DeliveryRow
    {
        public long Id { get; set; }
        public string Event { get; set; } = "";
        public long? AlertId { get; set; }
        public string Status { get; set; } = "";
        public int Attempts { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset NextAttemptAt { get; set; }
        public DateTimeOffset? DeliveredAt { get; set; }
        public int? LastStatusCode { get; set; }
        public int? LastDurationMs { get; set; }
        public string? LastError { get; set; }
        public string? LastResponse { get; set; }

        public DeliveryResponse ToResponse() => new(
            Id, Event, AlertId, Status, Attempts, CreatedAt, Status == DeliveryStatuses.Pending ? NextAttemptAt : null, DeliveredAt,
            LastStatusCode, LastDurationMs, LastError, LastResponse);
    }

    public sealed class ClaimedRow
    {
        public long Id { get; set; }
        public long EndpointId { get; set; }
        public string Event { get; set; } = "";
        public string Payload { get; set; } = "";
        public int Attempts { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? RetryFrom { get; set; }
        public DateTimeOffset LeaseUntil { get; set; }
        public long AgencyId { get; set; }
        public string Url { get; set; } = "";
        public byte[] Secret { get; set; } = [];
        public byte[]? PreviousSecret { get; set; }
        public DateTimeOffset? PreviousSecretUntil { get; set; }
    }

    /// <summary>How one attempt ended, and what the delivery becomes.</summary>
    public sealed record Outcome(
        long Id, string Status, DateTimeOffset NextAttemptAt, DateTimeOffset? DeliveredAt, int? StatusCode, int DurationMs,
        string? Error, string? Response, DateTimeOffset AttemptedAt);
}
