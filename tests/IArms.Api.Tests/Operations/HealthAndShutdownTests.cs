using System.Net;
using Dapper;
using IArms.Api.Audit;
using IArms.Api.Data;
using IArms.Api.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace IArms.Api.Tests.Operations;

/// <summary>Readiness reported part by part, and the audit writer's flush when the host stops (SIGTERM).</summary>
public class HealthAndShutdownTests
{
    [Test]
    public async Task ReadinessReportsEachPartAndLivenessStaysTrivial()
    {
        using var app = new IArmsApplication();
        using var anonymous = app.CreateClient();
        var ready = await (await anonymous.GetAsync("/health/ready")).ExpectAsync(HttpStatusCode.OK);
        Assert.That((string?)ready["status"], Is.EqualTo("ready"));
        foreach (var part in new[] { "database", "auditWriter", "disk", "backgroundServices" })
        {
            Assert.That((string?)ready["parts"]![part]!["status"], Is.EqualTo("up"), part);
        }
        var live = await (await anonymous.GetAsync("/health/live")).ExpectAsync(HttpStatusCode.OK);
        Assert.That((string?)live["status"], Is.EqualTo("live"));
        Assert.That(live["parts"], Is.Null);
    }

    [Test]
    public async Task StoppingTheHostWritesEveryAuditEntryQueuedBeforeItAndRefusesLaterOnes()
    {
        using var app = new IArmsApplication();
        using var anonymous = app.CreateClient();
        await (await anonymous.GetAsync("/health/ready")).ExpectAsync(HttpStatusCode.OK);
        var audit = app.Services.GetRequiredService<AuditLog>();
        await audit.HeadAsync(CancellationToken.None);

        // Queued, not yet committed, when the host stops: the writer is what the host stops after the server.
        var writes = Enumerable.Range(0, 300).Select(i => audit.WriteAsync(
            new AuditRecord(DateTimeOffset.UtcNow, null, null, AuditActions.Search, $"shutdown-{i:D3}", "seizure", null, "{}", 0), [], CancellationToken.None)).ToList();
        await audit.StopAsync(CancellationToken.None);

        Assert.That(async () => await Task.WhenAll(writes), Throws.Nothing, "entries queued before the stop are written, not failed");
        await using (var connection = new SqliteConnection($"Data Source={app.DatabasePath}"))
        {
            Assert.That(await connection.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM audit_entry WHERE search_id LIKE 'shutdown-%'"), Is.EqualTo(300));
        }
        Assert.That(async () => await audit.WriteAsync(
                new AuditRecord(DateTimeOffset.UtcNow, null, null, AuditActions.Search, "late", "seizure", null, "{}", 0), [], CancellationToken.None),
            Throws.InstanceOf<ServiceUnavailableException>(), "nothing is queued once the writer stops");

        var ready = await (await anonymous.GetAsync("/health/ready")).ExpectAsync(HttpStatusCode.ServiceUnavailable);
        Assert.That((string?)ready["parts"]!["auditWriter"]!["status"], Is.EqualTo("down"));
        Assert.That((string?)ready["parts"]!["database"]!["status"], Is.EqualTo("up"));
    }
}
