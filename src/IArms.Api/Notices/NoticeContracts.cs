using IArms.Api.Infrastructure.OpenApi;

namespace IArms.Api.Notices;

/// <summary>The kinds of notice a country sends to others.</summary>
public static class NoticeKinds
{
    public const string FirearmsWanted = "firearms-wanted";
    public const string StockpileDiversion = "stockpile-diversion";
    public const string TraffickingPattern = "trafficking-pattern";
    public const string ModusOperandi = "modus-operandi";

    public static readonly IReadOnlyList<string> All = [FirearmsWanted, StockpileDiversion, TraffickingPattern, ModusOperandi];
}

/// <summary>Where a notice stands: active until it expires or its sender withdraws it.</summary>
public static class NoticeStatuses
{
    public const string Active = "active";
    public const string Expired = "expired";
    public const string Withdrawn = "withdrawn";

    public static readonly IReadOnlyList<string> All = [Active, Expired, Withdrawn];

    /// <summary><c>countries: ["all"]</c> addresses every member country.</summary>
    public const string AllCountries = "all";

    /// <summary>What an item of <c>countries</c> may be: <c>all</c> or an assigned ISO code.</summary>
    public static readonly IReadOnlyList<string> CountryWords = [AllCountries, .. IArms.Core.Countries.All];

    public const string Incoming = "incoming";
    public const string Outgoing = "outgoing";
}

/// <summary>A lot of serials of one make: <c>BER001200</c> to <c>BER001450</c>.</summary>
/// <param name="Make">The make, resolved through the reference table's aliases.</param>
/// <param name="FirstSerial">The first serial of the lot.</param>
/// <param name="LastSerial">
/// The last serial: the same around its number as the first (the last run of digits counts, as in the analysis' serial
/// runs), with a number not below the first's.
/// </param>
public sealed record SerialRunBody(string? Make, string? FirstSerial, string? LastSerial);

/// <summary>A notice to send.</summary>
/// <param name="Kind">One of <c>firearms-wanted, stockpile-diversion, trafficking-pattern, modus-operandi</c>.</param>
/// <param name="Title">A short title, shown in search results.</param>
/// <param name="Summary">What the addressed countries should know or do.</param>
/// <param name="FirearmIds">Records named by the notice; only records the sender may see. May be empty.</param>
/// <param name="SerialRun">A lot of serials the notice covers, if any.</param>
/// <param name="Countries"><c>["all"]</c>, or the ISO 3166-1 alpha-2 codes of the addressed countries.</param>
/// <param name="ExpiresAt">When the notice stops being active; never when absent.</param>
public sealed record CreateNoticeRequest(
    [property: Vocabulary(typeof(NoticeKinds), nameof(NoticeKinds.All))] string? Kind, string? Title, string? Summary,
    [property: System.ComponentModel.DataAnnotations.MaxLength(CreateNoticeRequestValidator.MaxFirearms)] IReadOnlyList<long>? FirearmIds, SerialRunBody? SerialRun,
    [property: Vocabulary(typeof(NoticeStatuses), nameof(NoticeStatuses.CountryWords))] [property: System.ComponentModel.DataAnnotations.MaxLength(CreateNoticeRequestValidator.MaxCountries)] IReadOnlyList<string>? Countries,
    DateTimeOffset? ExpiresAt);

/// <summary>An addressed agency, as its notice's sender sees it.</summary>
/// <param name="Agency">The agency's code.</param>
/// <param name="CountryCode">Its country.</param>
/// <param name="AcknowledgedAt">When it acknowledged the notice; null until it does.</param>
public sealed record NoticeRecipientResponse(string Agency, string? CountryCode, DateTimeOffset? AcknowledgedAt);

/// <summary>A notice.</summary>
/// <param name="Id">The notice's id.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="Title">Its title.</param>
/// <param name="Summary">Its text.</param>
/// <param name="IssuingAgency">The sender.</param>
/// <param name="IssuingCountry">The sender's country.</param>
/// <param name="FirearmIds">The named records the caller may see.</param>
/// <param name="SerialRun">The lot of serials covered, if any; <c>make</c> is the canonical make.</param>
/// <param name="Countries"><c>["all"]</c> or the addressed countries.</param>
/// <param name="Status">One of <c>active, expired, withdrawn</c>.</param>
/// <param name="CreatedAt">When it was sent.</param>
/// <param name="ExpiresAt">When it expires, if ever.</param>
/// <param name="WithdrawnAt">When its sender withdrew it.</param>
/// <param name="AcknowledgedAt">For an addressed agency: when it acknowledged the notice.</param>
/// <param name="Recipients">For the sender only: every addressed agency and whether it acknowledged; null for others.</param>
public sealed record NoticeResponse(
    long Id, string Kind, string Title, string Summary, string IssuingAgency, string? IssuingCountry, IReadOnlyList<long> FirearmIds,
    SerialRunBody? SerialRun, IReadOnlyList<string> Countries, string Status, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt,
    DateTimeOffset? WithdrawnAt, DateTimeOffset? AcknowledgedAt, IReadOnlyList<NoticeRecipientResponse>? Recipients);

/// <summary>A page of notices.</summary>
/// <param name="Items">The notices, newest first.</param>
/// <param name="NextCursor">The cursor of the next page; null on the last.</param>
public sealed record NoticePage(IReadOnlyList<NoticeResponse> Items, string? NextCursor);

/// <summary>An active notice that names a search result or covers its serial.</summary>
/// <param name="Id">The notice's id (<c>GET /api/v1/notices/{id}</c>).</param>
/// <param name="Kind">Its kind.</param>
/// <param name="Title">Its title.</param>
/// <param name="IssuingAgency">Its sender, who is alerted of the hit.</param>
public sealed record SearchNotice(long Id, string Kind, string Title, string IssuingAgency);
