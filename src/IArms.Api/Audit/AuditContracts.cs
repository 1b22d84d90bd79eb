namespace IArms.Api.Audit;

public sealed record AuditEntryResponse(
    long Id, DateTimeOffset At, string Agency, long KeyId, string Action, string? SearchId, string? Purpose,
    string? CaseReference, string Query, int ResultCount);

public sealed record AuditPage(IReadOnlyList<AuditEntryResponse> Items, string? NextCursor);
