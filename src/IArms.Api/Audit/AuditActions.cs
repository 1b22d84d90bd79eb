namespace IArms.Api.Audit;

/// <summary>What an audit entry records.</summary>
public static class AuditActions
{
    public const string Search = "search";

    /// <summary>A trace request shared a record with its addressee (by the owner, or inside the record's visibility).</summary>
    public const string TraceRequestShared = "trace-request-shared";

    /// <summary>A custody event's source retracted it.</summary>
    public const string CustodyEventRetracted = "custody-event-retracted";

    public static readonly IReadOnlyList<string> All = [Search, TraceRequestShared, CustodyEventRetracted];
}
