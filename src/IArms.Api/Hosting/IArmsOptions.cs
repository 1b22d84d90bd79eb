namespace IArms.Api.Hosting;

/// <summary>Start-up options bound from the <c>IArms</c> section.</summary>
public sealed class IArmsOptions
{
    public const string Section = "IArms";

    /// <summary>When set and no admin key exists, creates agency <c>HQ</c> with an admin key equal to this value.</summary>
    public string? BootstrapAdminKey { get; set; }

    /// <summary>
    /// Country of the central agency created at bootstrap; by default none: HQ is no country's police, so records
    /// restricted to a country are not shown to it.
    /// </summary>
    public string? BootstrapCountryCode { get; set; }

    /// <summary>Seed demo agencies, keys and records into a database that has no firearm records yet.</summary>
    public bool SeedDemoData { get; set; }
}
