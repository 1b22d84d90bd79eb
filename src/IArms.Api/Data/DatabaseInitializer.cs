using IArms.Api.Agencies;
using IArms.Api.Demo;
using IArms.Api.Reference;
using Microsoft.Extensions.Options;

namespace IArms.Api.Data;

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

/// <summary>
/// Brings the database up to date before the server takes requests: migrations, then the bootstrap
/// admin key, then (for demos) sample data. A hosted service, so that tools which only build the
/// app (the OpenAPI generator) never touch a database.
/// </summary>
public sealed class DatabaseInitializer(
    Migrator migrator, Db db, AgencyQueries agencies, DemoData demo, ReferenceCatalog reference,
    IOptions<DatabaseOptions> databaseOptions, IOptions<IArmsOptions> options, DatabaseReadiness readiness,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public const string CentralAgencyCode = "HQ";

    public async Task StartAsync(CancellationToken ct)
    {
        if (databaseOptions.Value.MigrateOnStartup)
        {
            migrator.Migrate();
        }
        await reference.ReloadAsync(ct);
        await BootstrapAsync(ct);
        if (options.Value.SeedDemoData)
        {
            await demo.SeedAsync(ct);
        }
        readiness.MarkReady();
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    private async Task BootstrapAsync(CancellationToken ct)
    {
        var key = options.Value.BootstrapAdminKey;
        if (string.IsNullOrWhiteSpace(key))
        {
            return;
        }
        if (key.Length < 16)
        {
            throw new InvalidOperationException("IArms:BootstrapAdminKey must be at least 16 characters long.");
        }

        var country = string.IsNullOrWhiteSpace(options.Value.BootstrapCountryCode) ? null : options.Value.BootstrapCountryCode;
        if (country is not null && !IArms.Core.Countries.IsValid(country))
        {
            throw new InvalidOperationException("IArms:BootstrapCountryCode must be empty or an ISO 3166-1 alpha-2 code in upper case, like 'FR'.");
        }

        await using var session = await db.WriteAsync(ct);
        if (await AgencyQueries.AnyAdminKeyAsync(session))
        {
            return;
        }
        if (await AgencyQueries.KeyExistsAsync(session, key))
        {
            // The bootstrap key was revoked on purpose: bringing it back would undo that.
            logger.LogError("No admin key is active and IArms:BootstrapAdminKey names a revoked key; set a new bootstrap key to recover.");
            return;
        }
        var agencyId = await AgencyQueries.FindIdAsync(session, CentralAgencyCode)
            ?? (await AgencyQueries.InsertAsync(session, CentralAgencyCode, "IArms central administration", country, DateTimeOffset.UtcNow))!.Value;
        await agencies.CreateKeyAsync(session, agencyId, key, [Roles.Admin, Roles.Audit], "bootstrap admin key");
        await session.CommitAsync();
        logger.LogInformation("Created the central agency {Code} with the bootstrap admin key", CentralAgencyCode);
    }
}

/// <summary>Set once the database is migrated; <c>/health/ready</c> reads it.</summary>
public sealed class DatabaseReadiness
{
    private volatile bool _ready;

    public bool IsReady => _ready;

    public void MarkReady() => _ready = true;
}
