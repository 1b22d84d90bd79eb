namespace IArms.Api.Audit;

/// <summary>
/// What an audit entry records: one action per route (the CJIS list of auditable events), named on the route
/// with <see cref="AuditedExtensions.Audited"/>. A denied or unauthenticated attempt is recorded under the action it tried.
/// (The two hyphenated ones are written by the sharing rules' handlers, branch <c>sharing</c>, in addition to the route's entry.)
/// </summary>
public static class AuditActions
{
    public const string Search = "search";
    /// <summary>A batch of searches as a request; each of its items is audited as its own <see cref="Search"/>.</summary>
    public const string SearchBatch = "search.batch";

    public const string AgencyList = "agency.list";
    public const string AgencyCreate = "agency.create";
    public const string ApiKeyList = "api-key.list";
    public const string ApiKeyCreate = "api-key.create";
    public const string ApiKeyRevoke = "api-key.revoke";
    public const string OfficerCreate = "officer.create";
    public const string OfficerList = "officer.list";
    public const string OfficerDisable = "officer.disable";

    /// <summary>An officer signed in to the officer's page (or failed to: the outcome says which).</summary>
    public const string OfficerSignIn = "officer.sign-in";
    public const string OfficerSignOut = "officer.sign-out";
    public const string OfficerEnrol = "officer.enrol";

    public const string FirearmCreate = "firearm.create";
    public const string FirearmList = "firearm.list";
    public const string FirearmRead = "firearm.read";
    public const string FirearmReplace = "firearm.replace";
    public const string FirearmWithdraw = "firearm.withdraw";

    public const string CustodyEventAdd = "custody-event.add";
    public const string TraceRead = "trace.read";
    public const string TraceRequestCreate = "trace-request.create";
    public const string TraceRequestList = "trace-request.list";
    public const string TraceRequestStats = "trace-request.stats";
    public const string TraceRequestRead = "trace-request.read";
    public const string TraceRequestAnswer = "trace-request.answer";
    public const string TraceRequestClose = "trace-request.close";

    public const string AlertList = "alert.list";
    public const string AlertAcknowledge = "alert.acknowledge";

    public const string ReferenceRead = "reference.read";
    public const string ReferenceChange = "reference.change";

    /// <summary>A trace request shared a record with its addressee (by the owner, or inside the record's visibility).</summary>
    public const string TraceRequestShared = "trace-request-shared";

    /// <summary>A custody event's source retracted it.</summary>
    public const string CustodyEventRetracted = "custody-event-retracted";

    public const string ImportCreate = "import.create";
    public const string ImportList = "import.list";
    public const string ImportRead = "import.read";
    public const string ImportErrors = "import.errors";
    public const string ImportCancel = "import.cancel";
    public const string ExportFirearms = "export.firearms";

    public const string WebhookCreate = "webhook.create";
    public const string WebhookList = "webhook.list";
    public const string WebhookRead = "webhook.read";
    public const string WebhookDelete = "webhook.delete";
    public const string WebhookTest = "webhook.test";
    public const string WebhookRotateSecret = "webhook.rotate-secret";
    public const string WebhookDeliveries = "webhook.deliveries";
    public const string WebhookRedeliver = "webhook.redeliver";

    public const string NoticeCreate = "notice.create";
    public const string NoticeList = "notice.list";
    public const string NoticeRead = "notice.read";
    public const string NoticeAcknowledge = "notice.acknowledge";
    public const string NoticeWithdraw = "notice.withdraw";

    public const string AuditRead = "audit.read";
    public const string AuditVerify = "audit.verify";

    public const string AnalysisRoutes = "analysis.routes";
    public const string AnalysisDiversionSources = "analysis.diversion-sources";
    public const string AnalysisParties = "analysis.parties";
    public const string AnalysisNetwork = "analysis.network";
    public const string AnalysisGraphML = "analysis.graphml";
    public const string AnalysisSerialRuns = "analysis.serial-runs";
    public const string AnalysisTrends = "analysis.trends";

    public static readonly IReadOnlyList<string> All =
    [
        Search, SearchBatch, AgencyList, AgencyCreate, ApiKeyList, ApiKeyCreate, ApiKeyRevoke,
        FirearmCreate, FirearmList, FirearmRead, FirearmReplace, FirearmWithdraw,
        CustodyEventAdd, TraceRead, TraceRequestCreate, TraceRequestList, TraceRequestStats, TraceRequestRead, TraceRequestAnswer, TraceRequestClose,
        AlertList, AlertAcknowledge, ReferenceRead, ReferenceChange, AuditRead, AuditVerify,
        AnalysisRoutes, AnalysisDiversionSources, AnalysisParties, AnalysisNetwork, AnalysisGraphML, AnalysisSerialRuns, AnalysisTrends,
        TraceRequestShared, CustodyEventRetracted,
        ImportCreate, ImportList, ImportRead, ImportErrors, ImportCancel, ExportFirearms,
        WebhookCreate, WebhookList, WebhookRead, WebhookDelete, WebhookTest, WebhookRotateSecret, WebhookDeliveries, WebhookRedeliver,
        NoticeCreate, NoticeList, NoticeRead, NoticeAcknowledge, NoticeWithdraw,
        OfficerCreate, OfficerList, OfficerDisable, OfficerSignIn, OfficerSignOut, OfficerEnrol,
    ];
}

/// <summary>How an audited request ended for the caller's access (the status code says whether the operation succeeded).</summary>
public static class AuditOutcomes
{
    public const string Allowed = "allowed";
    public const string Denied = "denied";
    public const string FailedAuthentication = "failed-authentication";

    /// <summary>Refused with 429: the caller's key had used its rate budget.</summary>
    public const string RateLimited = "rate-limited";

    public static readonly IReadOnlyList<string> All = [Allowed, Denied, FailedAuthentication, RateLimited];
}
