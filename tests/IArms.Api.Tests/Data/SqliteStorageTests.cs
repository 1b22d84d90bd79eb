using System.Net;
using Dapper;
using IArms.Api.Data;
using IArms.Api.Hosting;
using IArms.Api.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace IArms.Api.Tests.Data;

public class SqliteStorageTests
{
    [Test]
    public async Task TheDatabaseFileIsMigratedInWalModeWithForeignKeysAndDurableCommits()
    {
        using var app = new IArmsApplication(DatabaseProvider.Sqlite);
        using var client = app.Admin();
        await (await client.GetAsync("/health/ready")).ExpectAsync(HttpStatusCode.OK);

        Assert.That(File.Exists(app.DatabasePath), Is.True);
        // A session of the service's own: the settings checked are those it sets on its connections.
        await using var session = await app.Services.GetRequiredService<Db>().PrimaryAsync(CancellationToken.None);
        Assert.That(await session.QuerySingleAsync<string>(new Sql("PRAGMA journal_mode")), Is.EqualTo("wal"));
        Assert.That(await session.QuerySingleAsync<long>(new Sql("PRAGMA foreign_keys")), Is.EqualTo(1));
        Assert.That(await session.QuerySingleAsync<long>(new Sql("PRAGMA synchronous")), Is.EqualTo(2), "FULL");
        Assert.That(await session.QuerySingleAsync<long>(new Sql("PRAGMA busy_timeout")), Is.GreaterThan(0));
        var applied = await session.QueryAsync<string>(new Sql("SELECT ScriptName FROM SchemaVersions"));
        Assert.That(applied, Has.Some.Contains("0001_foundation"));
    }

    [Test]
    public async Task MigratingAgainIsANoOp()
    {
        using var app = new IArmsApplication(DatabaseProvider.Sqlite);
        using var client = app.Admin();
        await (await client.GetAsync("/health/ready")).ExpectAsync(HttpStatusCode.OK);
        var migrator = app.Services.GetRequiredService<Migrator>();
        Assert.DoesNotThrow(() => migrator.Migrate());
        await (await client.GetAsync("/api/v1/agencies")).ExpectAsync(HttpStatusCode.OK);
    }

    [Test]
    public async Task TheBootstrapAdminKeyIsCreatedOnlyOnce()
    {
        using var app = new IArmsApplication(DatabaseProvider.Sqlite);
        using var client = app.Admin();
        await (await client.GetAsync("/api/v1/agencies")).ExpectAsync(HttpStatusCode.OK);
        var initializer = app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<DatabaseInitializer>().Single();
        await initializer.StartAsync(CancellationToken.None);

        await using var connection = new SqliteConnection($"Data Source={app.DatabasePath}");
        Assert.That(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM api_key"), Is.EqualTo(1));
        Assert.That(await connection.ExecuteScalarAsync<string>("SELECT code FROM agency"), Is.EqualTo("HQ"));
    }

    [Test]
    public async Task ForeignKeysAreEnforced()
    {
        using var app = new IArmsApplication(DatabaseProvider.Sqlite);
        using var client = app.Admin();
        await (await client.GetAsync("/health/ready")).ExpectAsync(HttpStatusCode.OK);
        await using var session = await app.Services.GetRequiredService<Db>().PrimaryAsync(CancellationToken.None);
        await Assert.ThrowsAsync<SqliteException>(() => session.ExecuteAsync(new Sql(
            "INSERT INTO api_key (agency_id, key_hash, key_prefix, roles, label, created_at) VALUES (999, x'00', 'x', 'search', 'x', '2026-01-01')")));
    }

    [Test]
    public async Task ARevokedBootstrapKeyIsNotRevivedAndDoesNotStopTheService()
    {
        using var app = new IArmsApplication(DatabaseProvider.Sqlite);
        using var admin = app.Admin();
        var keys = (await (await admin.GetAsync("/api/v1/agencies/HQ/api-keys")).ExpectAsync(System.Net.HttpStatusCode.OK))["items"]!;
        // The last central admin key cannot be revoked any more (409): a successor is issued first.
        var successor = await (await admin.PostJsonAsync("/api/v1/agencies/HQ/api-keys", new { roles = new[] { "admin" }, label = "successor" }))
            .ExpectAsync(System.Net.HttpStatusCode.Created);
        using var next = app.ClientWithKey((string)successor["key"]!);
        await (await next.DeleteAsync($"/api/v1/agencies/HQ/api-keys/{(long)keys[0]!["id"]!}")).ExpectAsync(System.Net.HttpStatusCode.NoContent);

        var initializer = app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>().OfType<DatabaseInitializer>().Single();
        await Assert.DoesNotThrowAsync(() => initializer.StartAsync(CancellationToken.None));
        await (await admin.GetAsync("/api/v1/agencies")).ExpectProblemAsync(System.Net.HttpStatusCode.Unauthorized);
        await (await next.GetAsync("/api/v1/agencies")).ExpectAsync(System.Net.HttpStatusCode.OK);
    }
}
