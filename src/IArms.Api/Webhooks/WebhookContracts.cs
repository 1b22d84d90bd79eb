using IArms.Api.Alerts;

namespace IArms.Api.Webhooks;

/// <summary>The events a webhook subscribes to: the alert kinds pushed to national systems.</summary>
public static class WebhookEvents
{
    /// <summary>The type of the message <c>POST .../{id}/test</c> sends; not subscribable.</summary>
    public const string Ping = "ping";

    public static readonly IReadOnlyList<string> All =
    [
        AlertKinds.Hit, AlertKinds.Notice, AlertKinds.TraceRequest, AlertKinds.TraceAnswered, AlertKinds.TraceOverdue, AlertKinds.ImportFinished,
    ];
}

/// <summary>The states of a delivery.</summary>
public static class DeliveryStatuses
{
    /// <summary>Not yet accepted by the receiver (a 2xx answer); retried until it is or the retry window ends.</summary>
    public const string Pending = "pending";

    /// <summary>The receiver answered 2xx.</summary>
    public const string Delivered = "delivered";

    /// <summary>Given up after the retry window (24 hours by default); the agency got a <c>webhook-failed</c> alert.</summary>
    public const string Failed = "failed";

    public static readonly IReadOnlyList<string> All = [Pending, Delivered, Failed];
}

/// <summary>An endpoint to register.</summary>
/// <param name="Url">Where deliveries are POSTed: an <c>https</c> URL whose host is not a private, loopback or link-local address.</param>
/// <param name="Events">The events delivered: any of <c>hit, notice, trace-request, trace-answered, trace-overdue, import-finished</c>.</param>
public sealed record CreateWebhookRequest(string? Url, [property: IArms.Api.Infrastructure.OpenApi.Vocabulary(typeof(WebhookEvents), nameof(WebhookEvents.All))] IReadOnlyList<string>? Events);

/// <summary>A registered endpoint.</summary>
/// <param name="Id">The endpoint's id.</param>
/// <param name="Agency">The agency whose alerts it receives.</param>
/// <param name="Url">Where deliveries are POSTed.</param>
/// <param name="Events">The events delivered.</param>
/// <param name="CreatedAt">When it was registered.</param>
/// <param name="Secret">
/// The signing secret (<c>whsec_</c> + base64), shown only when the endpoint is created or its secret rotated; null otherwise.
/// </param>
/// <param name="PreviousSecretValidUntil">After a rotation: until when deliveries are signed with the previous secret too.</param>
public sealed record WebhookResponse(
    long Id, string Agency, string Url, IReadOnlyList<string> Events, DateTimeOffset CreatedAt, string? Secret, DateTimeOffset? PreviousSecretValidUntil);

/// <summary>A page of endpoints.</summary>
/// <param name="Items">The endpoints, newest first.</param>
/// <param name="NextCursor">The cursor of the next page; null on the last.</param>
public sealed record WebhookPage(IReadOnlyList<WebhookResponse> Items, string? NextCursor);

/// <summary>One message to one endpoint, with the outcome of its latest attempt.</summary>
/// <param name="Id">The delivery's id; the <c>webhook-id</c> header is <c>dlv_</c> + this id, the same on every attempt.</param>
/// <param name="Event">The event (<c>ping</c> for a test).</param>
/// <param name="AlertId">The alert delivered; null for a test.</param>
/// <param name="Status">One of <c>pending, delivered, failed</c>.</param>
/// <param name="Attempts">Attempts so far.</param>
/// <param name="CreatedAt">When the delivery was written (with its alert).</param>
/// <param name="NextAttemptAt">While pending: when it is tried next.</param>
/// <param name="DeliveredAt">When the receiver accepted it.</param>
/// <param name="LastStatusCode">The latest attempt's HTTP status; null when no answer came (timeout, refused connection).</param>
/// <param name="LastDurationMs">The latest attempt's duration in milliseconds.</param>
/// <param name="LastError">Why the latest attempt failed, when it did.</param>
/// <param name="LastResponse">The start of the latest answer's body (at most 1 KB is kept).</param>
public sealed record DeliveryResponse(
    long Id, string Event, long? AlertId, string Status, int Attempts, DateTimeOffset CreatedAt, DateTimeOffset? NextAttemptAt,
    DateTimeOffset? DeliveredAt, int? LastStatusCode, int? LastDurationMs, string? LastError, string? LastResponse);

/// <summary>A page of deliveries.</summary>
/// <param name="Items">The deliveries, newest first.</param>
/// <param name="NextCursor">The cursor of the next page; null on the last.</param>
public sealed record DeliveryPage(IReadOnlyList<DeliveryResponse> Items, string? NextCursor);
