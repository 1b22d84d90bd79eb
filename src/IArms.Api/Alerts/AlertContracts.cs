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

    public static readonly IReadOnlyList<string> All = [Hit, TraceRequest, TraceAnswered, TraceOverdue, RecordShared];
}

/// <summary>Which alerts a list shows: the <c>open</c> ones (unacknowledged, the default) or <c>all</c>.</summary>
public static class AlertListStatuses
{
    public const string Open = "open";
    public const string All = "all";

    public static readonly IReadOnlyList<string> Words = [Open, All];
}

/// <summary>An alert to raise, written by the feature that detects it inside its own transaction.</summary>
public sealed record NewAlert(
    long AgencyId, string Kind, string Message, long? FirearmId = null, long? FromAgencyId = null,
    string? SearchId = null, long? TraceRequestId = null, string? Purpose = null);

public sealed record AlertResponse(
    long Id, [property: Vocabulary(typeof(AlertKinds), nameof(AlertKinds.All))] string Kind, string Message, long? FirearmId, string? FromAgency, string? FromCountry,
    string? SearchId, long? TraceRequestId, [property: Vocabulary(typeof(SearchPurposes), nameof(SearchPurposes.All))] string? Purpose, DateTimeOffset CreatedAt, DateTimeOffset? AcknowledgedAt);

public sealed record AlertPage(IReadOnlyList<AlertResponse> Items, string? NextCursor);
