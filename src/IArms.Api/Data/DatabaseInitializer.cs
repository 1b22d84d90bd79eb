using Dapper;
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

    /// <summary>Country of the central agency created at bootstrap.</summary>
    public string BootstrapCountryCode { get; set; } = "FR";

    /// <summary>Seed demo agencies, keys and records into a database that has no firearm records yet.</summary>
    public bool SeedDemoData { get; set; }
}

/// <summary>
/// Brings the database up to date before the server takes requests: migrations, then the bootstrap
/// admin key, then (for demos) sample data. A hosted service, so that tools which only build the
/// app (the OpenAPI generator) never touch a database.
/// </summary>
public sealed class DatabaseInitializer(
    Migrator migrator, Db db, AgencyStore agencies, DemoData demo, ReferenceCatalog reference,
    IOptions<DatabaseOptions> databaseOptions, IOptions<IArmsOptions> options, DatabaseReadiness readiness,
    ILogger<DatabaseInitializer> logger) : IHostedService
{
    public const string CentralAgencyCode = "HQ";

    private static readonly SqlText SelectAgency = SqlText.Same("SELECT id FROM agency WHERE code = @code");

    private static readonly SqlText InsertCentralAgency = new(
        "INSERT INTO agency (code, name, country_code, created_at) VALUES (@code, @name, @country, @now) RETURNING id",
        "INSERT INTO agency (code, name, country_code, created_at) OUTPUT INSERTED.id VALUES (@code, @name, @country, @now)");

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

        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (await agencies.AnyAdminKeyAsync(connection, tx, ct))
        {
            return;
        }
        if (await agencies.KeyExistsAsync(connection, tx, key, ct))
        {
            // The bootstrap key was revoked on purpose: bringing it back would undo that.
            logger.LogError("No admin key is active and IArms:BootstrapAdminKey names a revoked key; set a new bootstrap key to recover.");
            return;
        }
        var agencyId = await connection.QuerySingleOrDefaultAsync<long?>(
            new CommandDefinition(db.Sql(SelectAgency), new { code = CentralAgencyCode }, tx, cancellationToken: ct))
            ?? await connection.QuerySingleAsync<long>(new CommandDefinition(db.Sql(InsertCentralAgency), new
            {
                code = CentralAgencyCode,
                name = "IArms central administration",
                country = options.Value.BootstrapCountryCode,
                now = DateTimeOffset.UtcNow,
            }, tx, cancellationToken: ct));
        await agencies.CreateKeyAsync(connection, tx, agencyId, key, [Roles.Admin, Roles.Audit], "bootstrap admin key", ct);
        await tx.CommitAsync(ct);
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
