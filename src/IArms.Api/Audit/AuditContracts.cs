using IArms.Api.Infrastructure.OpenApi;
namespace IArms.Api.Audit;

/// <summary>
/// One audit entry. <c>agency</c> and <c>keyId</c> are null for a failed authentication; <c>officer</c> names the officer for what was
/// done through the officer's page (<c>keyId</c> is then null) and is null for an API key; <c>objectId</c> is the resource acted on, as a path under <c>/api/v1</c>; <c>statusCode</c>
/// is what the request was answered.
/// </summary>
public sealed record AuditEntryResponse(
    long Id, DateTimeOffset At, string? Agency, long? KeyId, string? Officer, string? SourceAddress, [property: Vocabulary(typeof(AuditActions), nameof(AuditActions.All))] string Action, string? ObjectId,
    [property: Vocabulary(typeof(AuditOutcomes), nameof(AuditOutcomes.All))] string Outcome, int? StatusCode, string? SearchId, string? Purpose, string? CaseReference, string Query, int? ResultCount);

public sealed record AuditPage(IReadOnlyList<AuditEntryResponse> Items, string? NextCursor);

/// <summary>
/// The chain check: <c>verified</c> when every kept entry's hash follows from the one before it (from the retention
/// anchor, if any) and the newest entry is the one the writer last wrote; otherwise the first entry that breaks it.
/// </summary>
public sealed record AuditVerification(
    bool Verified, long Entries, long? FirstEntryId, long? LastEntryId, long? FirstBrokenEntryId, string? Reason, long? AnchorEntryId);
