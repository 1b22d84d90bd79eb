using IArms.Api.Infrastructure.OpenApi;
using IArms.Core.Firearms;
using IArms.Core.Tracing;
namespace IArms.Api.Tracing;

/// <summary>A holder or counterparty in a custody event: <c>kind</c> is one of the party kinds of DESIGN.md.</summary>
public sealed record CustodyParty(string? Name, [property: Vocabulary(typeof(CustodyVocabulary), nameof(CustodyVocabulary.PartyKinds))] string? Kind, [property: CountryCode] string? CountryCode, string? Licence);

/// <summary>The document a custody event took place under: <c>kind</c> is export-licence, import-licence, end-user-certificate or transfer-permit.</summary>
public sealed record CustodyAuthorization([property: Vocabulary(typeof(CustodyVocabulary), nameof(CustodyVocabulary.AuthorizationKinds))] string? Kind, string? Reference);

/// <summary>One custody event as an agency sends it; the service sets its id and source (the caller's agency).</summary>
public sealed record CustodyEventRequest(
    [property: Vocabulary(typeof(CustodyVocabulary), nameof(CustodyVocabulary.EventTypes))] string? Type,
    DateOnly? Date,
    CustodyParty? FromParty,
    CustodyParty? ToParty,
    [property: CountryCode] string? CountryCode,
    string? Place,
    string? DocumentReference,
    string? Notes,
    CustodyAuthorization? Authorization);

/// <summary>
/// A stored custody event. <c>source</c> is the code of the agency that supplied it. A retracted event carries
/// <c>retractedAt</c>, <c>retractedBy</c> (its source) and <c>retractionReason</c>; it stays in the chain as a record
/// of what was once asserted, and the analysis (gaps, diversion, indicators) leaves it out.
/// </summary>
public sealed record CustodyEventResponse(
    long Id,
    long FirearmId,
    [property: Vocabulary(typeof(CustodyVocabulary), nameof(CustodyVocabulary.EventTypes))] string Type,
    DateOnly Date,
    CustodyParty? FromParty,
    CustodyParty? ToParty,
    [property: CountryCode] string? CountryCode,
    string? Place,
    string? DocumentReference,
    string? Notes,
    CustodyAuthorization? Authorization,
    string Source,
    long? TraceRequestId,
    DateTimeOffset RecordedAt,
    DateTimeOffset? RetractedAt = null,
    string? RetractedBy = null,
    string? RetractionReason = null);

/// <summary>The source agency withdraws one of its events; <c>reason</c> says why (kept with the event).</summary>
public sealed record RetractCustodyEventRequest(string? Reason);

/// <summary>A hole in the chain between two consecutive events: <c>custody-discontinuity</c> or <c>silence</c>.</summary>
public sealed record TraceGap(long AfterEventId, long BeforeEventId, [property: Vocabulary(typeof(CustodyVocabulary), nameof(CustodyVocabulary.GapKinds))] string Kind);

/// <summary>Where the weapon left lawful hands, and how sure the chain makes us.</summary>
public sealed record TraceDiversion(
    [property: Vocabulary(typeof(CustodyVocabulary), nameof(CustodyVocabulary.DiversionReasons))] string Reason,
    string Confidence,
    CustodyParty? LastLawfulHolder,
    long? LastLawfulEventId,
    long? FirstIllicitEventId,
    string? CountryCode,
    DateOnly? DateFrom,
    DateOnly? DateTo);

/// <summary>The trace report of a firearm: its chain in time order and what the chain shows.</summary>
public sealed record TraceReportResponse(
    long FirearmId,
    IReadOnlyList<CustodyEventResponse> Chain,
    IReadOnlyList<TraceGap> Gaps,
    TraceDiversion? Diversion,
    int? TimeToCrimeDays,
    IReadOnlyList<string> Indicators);

/// <summary>Asks another agency for its records on a firearm. <c>priority</c> is routine (default, due in 30 days) or urgent (due in 2 days).</summary>
public sealed record CreateTraceRequest(long? FirearmId, string? ToAgency, [property: Vocabulary(typeof(TraceVocabulary), nameof(TraceVocabulary.Priorities))] string? Priority, string? Message, DateOnly? DueDate);

/// <summary>
/// The addressee's answer. <c>outcome</c>: traced, partially-traced, not-traced; <c>reasonCode</c> (no-record,
/// records-destroyed, pre-marking-era, illegible-serial, other) is required when not traced.
/// </summary>
public sealed record TraceAnswerRequest([property: Vocabulary(typeof(TraceVocabulary), nameof(TraceVocabulary.Outcomes))] string? Outcome, [property: Vocabulary(typeof(TraceVocabulary), nameof(TraceVocabulary.ReasonCodes))] string? ReasonCode, [property: System.ComponentModel.DataAnnotations.MaxLength(TraceAnswerRequestValidator.MaxEvents)] IReadOnlyList<CustodyEventRequest>? Events, string? Notes);

/// <summary>What the parties of a trace request are shown of the firearm while the request shares it.</summary>
public sealed record TraceFirearm(
    long Id,
    string OwnerAgency,
    string SerialNumber,
    string Make,
    string Model,
    string Calibre,
    [property: Vocabulary(typeof(FirearmVocabulary), nameof(FirearmVocabulary.Types))] string Type,
    string? CountryOfManufacture,
    int? YearOfManufacture,
    bool ObliteratedSerial);

/// <summary>An answer given to a trace request, with the events it added to the chain.</summary>
public sealed record TraceAnswer(
    [property: Vocabulary(typeof(TraceVocabulary), nameof(TraceVocabulary.Outcomes))] string Outcome,
    [property: Vocabulary(typeof(TraceVocabulary), nameof(TraceVocabulary.ReasonCodes))] string? ReasonCode,
    string Notes,
    [property: System.ComponentModel.DataAnnotations.MaxLength(TraceAnswerRequestValidator.MaxEvents)] IReadOnlyList<CustodyEventResponse> Events,
    DateTimeOffset AnsweredAt);

/// <summary>
/// A trace request. <c>status</c> is open, answered or closed, and shows as <c>overdue</c> while it is open
/// after its <c>dueDate</c> (due by the end of that day, UTC). <c>firearm</c> (the record's detail) is shown only
/// while the request shares the record with the caller: the request is open or answered, the record is not
/// withdrawn, and either the owner sent it or the addressee's country is inside the record's visibility (a
/// requester that is not the owner must also still see the record). Otherwise <c>firearm</c> is null and
/// <c>answer.events</c> empty: the request stays readable to its two parties as a conversation, without the record.
/// </summary>
public sealed record TraceRequestResponse(
    long Id,
    long FirearmId,
    TraceFirearm? Firearm,
    string FromAgency,
    string FromCountry,
    string ToAgency,
    string ToCountry,
    [property: Vocabulary(typeof(TraceVocabulary), nameof(TraceVocabulary.Priorities))] string Priority,
    string Message,
    DateOnly DueDate,
    [property: Vocabulary(typeof(TraceVocabulary), nameof(TraceVocabulary.Statuses))] string Status,
    bool Overdue,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ClosedAt,
    TraceAnswer? Answer);

/// <summary>One page of trace requests, newest first; pass <c>nextCursor</c> back as <c>cursor</c> until it is null.</summary>
public sealed record TraceRequestPage(IReadOnlyList<TraceRequestResponse> Items, string? NextCursor);

/// <summary>
/// The answering record of every addressee country, in the page shape of every list: one row per country at most, so
/// one page, and <c>nextCursor</c> is always null.
/// </summary>
/// <param name="Items">One row per addressee country.</param>
/// <param name="NextCursor">Always null: the answer is never split.</param>
public sealed record TraceCountryStatsPage(IReadOnlyList<TraceCountryStats> Items, string? NextCursor);

/// <summary>How one country answers the trace requests addressed to its agencies.</summary>
public sealed record TraceCountryStats(
    string CountryCode,
    int RequestsReceived,
    int Answered,
    double? MedianDaysToAnswer,
    int OverdueNow);

/// <summary>The wire names of trace requests' fields.</summary>
public static class TraceVocabulary
{
    public const string Routine = "routine";
    public const string Urgent = "urgent";
    public static readonly IReadOnlyList<string> Priorities = [Routine, Urgent];

    public const string Open = "open";
    public const string Answered = "answered";
    public const string Closed = "closed";
    public const string Overdue = "overdue";

    /// <summary>Statuses a client can filter on: the stored ones plus <c>overdue</c>, which is shown, not stored.</summary>
    public static readonly IReadOnlyList<string> Statuses = [Open, Overdue, Answered, Closed];

    public const string Traced = "traced";
    public const string PartiallyTraced = "partially-traced";
    public const string NotTraced = "not-traced";
    public static readonly IReadOnlyList<string> Outcomes = [Traced, PartiallyTraced, NotTraced];

    public static readonly IReadOnlyList<string> ReasonCodes = ["no-record", "records-destroyed", "pre-marking-era", "illegible-serial", "other"];

    public const string Incoming = "incoming";
    public const string Outgoing = "outgoing";
    public static readonly IReadOnlyList<string> Directions = [Incoming, Outgoing];

    /// <summary>Default time to answer: 30 days for routine, 2 days for urgent.</summary>
    public static int DefaultDays(string priority) => priority == Urgent ? 2 : 30;
}
