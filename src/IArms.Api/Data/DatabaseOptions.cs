using System.ComponentModel.DataAnnotations;

namespace IArms.Api.Data;

/// <summary>The database engines IArms can run on.</summary>
public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
}

/// <summary>Bound from the <c>IArms:Database</c> section.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "IArms:Database";

    [Required]
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Apply migrations when the service starts (the <c>migrate</c> command always does).</summary>
    public bool MigrateOnStartup { get; set; } = true;
}
