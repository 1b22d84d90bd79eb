using IArms.Api.Infrastructure.OpenApi;
using IArms.Api.Search;
namespace IArms.Api.Alerts;

/// <summary>The kinds of alert an agency receives.</summary>
public static class AlertKinds
{
    /// <summary>Another agency's search found one of the agency's wanted records.</summary>
    public const string Hit = "hit";
    public const string TraceRequest = "trace-request";
    public const string TraceAnswered = "trace-answered";
    public const string TraceOverdue = "trace-overdue";

    /// <summary>Another agency shared one of the agency's records by sending a trace request about it.</summary>
    public const string RecordShared = "record-shared";

    /// <summary>Another country's notice addressed to the agency's country (issue 17).</summary>
    public const string Notice = "notice";

    /// <summary>One of the agency's import jobs ended (completed, failed or cancelled).</summary>
    public const string ImportFinished = "import-finished";

    /// <summary>A webhook delivery was given up after retrying for the configured time (24 hours by default).</summary>
    public const string WebhookFailed = "webhook-failed";

    public static readonly IReadOnlyList<string> All = [Hit, TraceRequest, TraceAnswered, TraceOverdue, RecordShared, Notice, ImportFinished, WebhookFailed];
}

/// <summary>Which alerts a list shows: the <c>open</c> ones (unacknowledged, the default) or <c>all</c>.</summary>
public static class AlertListStatuses
{
    public const string Open = "open";
    public const string All = "all";

    public static readonly IReadOnlyList<string> Words = [Open, All];
}

/// <summary>An alert to raise, written by the feature that detects it inside its own transaction.</summary>
/// <remarks>
/// A <see cref="AlertKinds.Hit"/> joins the latest hit of the same agency, firearm and searching agency (counted, and
/// reopened if it was acknowledged) instead of adding one per search.
/// </remarks>
public sealed record NewAlert(
    long AgencyId, string Kind, string Message, long? FirearmId = null, long? FromAgencyId = null,
    string? SearchId = null, long? TraceRequestId = null, string? Purpose = null, long? NoticeId = null);

/// <summary>One alert in an agency's inbox (also the <c>data</c> of a webhook delivery).</summary>
/// <param name="Id">The alert's id.</param>
/// <param name="Kind">One of <c>hit, trace-request, trace-answered, trace-overdue, record-shared, notice, import-finished, webhook-failed</c>.</param>
/// <param name="Message">What happened, in words.</param>
/// <param name="FirearmId">The firearm concerned, if any.</param>
/// <param name="FromAgency">The agency whose action raised it, if any.</param>
/// <param name="FromCountry">That agency's country.</param>
/// <param name="SearchId">For a hit: the latest search that hit the record.</param>
/// <param name="TraceRequestId">The trace request concerned, if any.</param>
/// <param name="Purpose">For a hit: the latest search's purpose.</param>
/// <param name="CreatedAt">When it was raised (for a hit: the first search).</param>
/// <param name="AcknowledgedAt">When the agency acknowledged it; null while open.</param>
/// <param name="HitCount">For a hit: how many searches by that agency hit the record since the alert was first raised.</param>
/// <param name="FirstSearchId">For a hit: the first search that hit the record.</param>
/// <param name="LastHitAt">For a hit: when the latest search hit the record.</param>
/// <param name="NoticeId">The notice concerned: the one received, or for a hit the caller's notice that the search matched.</param>
public sealed record AlertResponse(
    long Id, [property: Vocabulary(typeof(AlertKinds), nameof(AlertKinds.All))] string Kind, string Message, long? FirearmId, string? FromAgency, string? FromCountry,
    string? SearchId, long? TraceRequestId, [property: Vocabulary(typeof(SearchPurposes), nameof(SearchPurposes.All))] string? Purpose, DateTimeOffset CreatedAt, DateTimeOffset? AcknowledgedAt,
    int HitCount, string? FirstSearchId, DateTimeOffset? LastHitAt, long? NoticeId);

public sealed record AlertPage(IReadOnlyList<AlertResponse> Items, string? NextCursor);
