namespace IArms.Api.Audit;

/// <summary>What an audit entry records.</summary>
public static class AuditActions
{
    public const string Search = "search";

    public static readonly IReadOnlyList<string> All = [Search];
}
