using System.Net;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Data;

/// <summary>
/// SQLite's process-wide settings (<see cref="IArms.Api.Data.SqliteRuntime"/>) as the service applies them: in a
/// fresh process, before its first connection, so that concurrent reads share no allocation lock.
/// </summary>
[NonParallelizable]
public class SqliteRuntimeTests
{
    [Test]
    public async Task AFreshServiceTurnsSqlitesMemoryStatisticsOffBeforeItsFirstConnectionAndStillAnswersConcurrentSearches()
    {
        using var service = new ServiceProcess(new Dictionary<string, string>());
        await service.StartAsync();
        var key = await service.AgencyKeyAsync("DE-BKA", "DE", "record", "search");
        using var client = service.Client(key);
        (await client.PostJsonAsync("/api/v1/firearms", Firearm("RUNTIME 4471 93"))).EnsureSuccessStatusCode();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(async _ =>
            await (await client.PostJsonAsync("/api/v1/searches", new { serialNumber = "RUNTIME447139", purpose = "seizure" })).ExpectAsync(HttpStatusCode.OK)));

        Assert.Multiple(() =>
        {
            Assert.That(service.Output, Does.Contain("SQLite memory statistics are off"));
            Assert.That(service.Output, Does.Not.Contain("memory statistics stay on"));
            Assert.That(answers.Select(a => (string)a["results"]![0]!["match"]!), Is.All.EqualTo("fuzzy"));
        });
    }
}
