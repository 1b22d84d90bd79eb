namespace IArms.Api.Agencies;

/// <summary>What an API key may do. A key carries one or more roles; none implies another.</summary>
public static class Roles
{
    public const string Search = "search";
    public const string Record = "record";
    public const string Trace = "trace";
    public const string Audit = "audit";
    public const string Admin = "admin";

    /// <summary>Aggregates across chains (issue 13), computed only from what the agency may see.</summary>
    public const string Analysis = "analysis";

    public static readonly IReadOnlyList<string> All = [Search, Record, Trace, Audit, Admin, Analysis];

    public static bool IsRole(string? value) => value is not null && All.Contains(value);
}

/// <summary>Authorization policy names: one per role, plus the combinations some routes accept.</summary>
public static class Policies
{
    public const string Any = "any";
    public const string RecordOrTrace = "record-or-trace";
    public const string AuditOrAdmin = "audit-or-admin";

    /// <summary>An <c>admin</c> key of the central agency HQ.</summary>
    public const string CentralAdmin = "central-admin";

    /// <summary>An <c>audit</c> or <c>admin</c> key of the central agency HQ.</summary>
    public const string CentralAudit = "central-audit";

    public const string AnalysisOrAdmin = "analysis-or-admin";
}
