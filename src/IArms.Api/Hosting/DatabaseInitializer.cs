using IArms.Api.Agencies;
using IArms.Api.Data;
using IArms.Api.Reference;
using Microsoft.Extensions.Options;

namespace IArms.Api.Hosting;

/// <summary>
/// Brings the database up to date before the server takes requests: migrations, the reference seed, then the
/// bootstrap admin key. A hosted service, so that tools which only build the app (the OpenAPI generator) never
/// touch a database. Demo data comes later, from <see cref="DemoSeeder"/>.
/// </summary>
public sealed class DatabaseInitializer(
    Migrator migrator, Db db, AgencyQueries agencies, ReferenceSeeder seeder, ReferenceCatalog reference,
    IOptions<DatabaseOptions> databaseOptions, IOptions<IArmsOptions> options, DatabaseReadiness readiness,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        if (databaseOptions.Value.Provider == DatabaseProvider.Sqlite)
        {
            if (SqliteRuntime.MemoryStatisticsOff)
            {
                logger.LogInformation("SQLite memory statistics are off: its allocations take no process-wide lock");
            }
            else
            {
                logger.LogWarning("SQLite was initialised before the service configured it: its memory statistics stay on, and concurrent reads contend on one process-wide lock");
            }
        }
        if (databaseOptions.Value.MigrateOnStartup)
        {
            migrator.Migrate();
        }
        await seeder.SeedAsync(ct);
        await reference.ReloadAsync(ct);
        await BootstrapAsync(ct);
        if (!options.Value.SeedDemoData)
        {
            readiness.MarkReady();
        }
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
        var agencyId = await AgencyQueries.FindIdAsync(session, Caller.CentralAgencyCode)
            ?? (await AgencyQueries.InsertAsync(session, Caller.CentralAgencyCode, "IArms central administration", country, DateTimeOffset.UtcNow))!.Value;
        await agencies.CreateKeyAsync(session, agencyId, key, [Roles.Admin, Roles.Audit], "bootstrap admin key");
        await session.CommitAsync();
        logger.LogInformation("Created the central agency {Code} with the bootstrap admin key", Caller.CentralAgencyCode);
    }
}

/// <summary>
/// Seeds the demo data (<c>IArms:SeedDemoData</c>) once every feature's background service runs: the demo writes
/// through the features themselves, and a trace request it sends is audited, which needs the audit writer
/// started. Hosted services start in registration order, so this one is registered last.
/// </summary>
public sealed class DemoSeeder(DemoData demo, IOptions<IArmsOptions> options, DatabaseReadiness readiness) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        if (options.Value.SeedDemoData)
        {
            await demo.SeedAsync(ct);
            readiness.MarkReady();
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
