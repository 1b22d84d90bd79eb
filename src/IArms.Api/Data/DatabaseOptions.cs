using System.ComponentModel.DataAnnotations;

namespace IArms.Api.Data;

/// <summary>The database engines IArms can run on.</summary>
public enum DatabaseProvider
{
    Sqlite,
    SqlServer,
}

/// <summary>
/// Bound from the <c>Database</c> section (<c>Database:Provider</c>, env <c>Database__Provider</c>); the
/// <c>IArms:Database</c> section is read too, as an alias, and <c>Database</c> wins where both are set.
/// </summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";
    public const string AliasSection = "IArms:Database";

    [Required]
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Apply migrations when the service starts (the <c>migrate</c> command always does).</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>
    /// SQLite: how many write sessions may hold or wait for the single writer; one more is refused at once with a 503
    /// and <c>Retry-After</c> (the audit's group commit is never refused).
    /// </summary>
    [Range(1, 1_000_000)]
    public int MaxQueuedWrites { get; set; } = 1024;

    /// <summary>Binds the options from both sections, <see cref="Section"/> last so that it wins.</summary>
    public static void Register(IServiceCollection services) =>
        services.AddOptions<DatabaseOptions>()
            .BindConfiguration(AliasSection)
            .BindConfiguration(Section)
            .ValidateDataAnnotations().ValidateOnStart();
}
