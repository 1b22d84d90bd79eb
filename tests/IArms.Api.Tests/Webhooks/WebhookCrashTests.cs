using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Webhooks;

/// <summary>
/// The built service as a child process, killed with SIGKILL twice while searches raise hits that its webhook
/// dispatcher is pushing, and started again on the same database: every hit whose search was answered reaches the
/// receiver (at least once), signed with the secret issued before the kills.
/// </summary>
[NonParallelizable]
public class WebhookCrashTests
{
    private const int Records = 40;
    private const int Searches = 120;

    // Short leases and backoff on the real clock, so that the restarted service takes over the killed one's claims quickly.
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["Webhooks__AllowLoopback"] = "true",
        ["Webhooks__PollMilliseconds"] = "50",
        ["Webhooks__TimeoutSeconds"] = "2",
        ["Webhooks__LeaseSeconds"] = "3",
        ["Webhooks__InitialBackoffSeconds"] = "0.5",
    };

    [Test]
    public async Task NoHitIsLostWhenTheServiceIsKilledWithSigkillMidStreamAndRestarted()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        // The receiver fails now and then too, so that retries are in flight when the kills land.
        receiver.Respond = n => (n % 7 == 0 ? 500 : 200, TimeSpan.Zero);
        using var service = new ServiceProcess(Environment);
        await service.StartAsync();
        var ownerKey = await service.AgencyKeyAsync("FR-NCB", "FR", "record", "search");
        var searcherKey = await service.AgencyKeyAsync("DE-BKA", "DE", "search");
        string secret;
        using (var admin = service.Client(ServiceProcess.AdminKey))
        {
            var hook = await (await admin.PostAsJsonAsync("/api/v1/agencies/FR-NCB/webhooks", new { url = receiver.Url, events = new[] { "hit" } }))
                .ExpectAsync(HttpStatusCode.Created);
            secret = (string)hook["secret"]!;
        }
        using (var owner = service.Client(ownerKey))
        {
            for (var i = 0; i < Records; i++)
            {
                await (await owner.PostJsonAsync("/api/v1/firearms", Firearm($"KILL {i:D4} ZZ") with { Status = "stolen" })).ExpectAsync(HttpStatusCode.Created);
            }
        }

        var answered = new List<string>();
        var kills = 0;
        for (var i = 0; i < Searches; i++)
        {
            if (i is Searches / 3 or Searches * 2 / 3)
            {
                service.Kill();
                kills++;
                await service.StartAsync();
            }
            using var searcher = service.Client(searcherKey);
            var response = await searcher.PostJsonAsync("/api/v1/searches", new { serialNumber = $"KILL{i % Records:D4}ZZ", purpose = "seizure" });
            var body = await response.ExpectAsync(HttpStatusCode.OK);
            answered.Add((string)body["searchId"]!);
        }

        await receiver.WaitUntilAsync(r => Missing(r, answered).Count == 0, TimeSpan.FromSeconds(90));
        var accepted = receiver.Accepted;
        Assert.Multiple(() =>
        {
            Assert.That(kills, Is.EqualTo(2));
            Assert.That(Missing(receiver, answered), Is.Empty, "every answered search's hit was delivered");
            Assert.That(accepted.All(m => WebhookReceiver.Verifies(m, secret, DateTimeOffset.UtcNow)), Is.True, "signed with the secret issued before the kills");
            Assert.That(receiver.All.Count(r => r.AnsweredWith == 500), Is.GreaterThan(0), "failures were retried");
        });
        TestContext.Progress.WriteLine(
            $"Webhook crash test: {answered.Count} hits, {accepted.Count} accepted deliveries ({accepted.Count - accepted.Select(a => a.Id).Distinct().Count()} repeats), {receiver.All.Count} requests.");
    }

    private static List<string> Missing(WebhookReceiver receiver, List<string> searchIds)
    {
        var delivered = receiver.Accepted.Select(m => (string?)m.Json["data"]!["searchId"]).ToHashSet();
        return [.. searchIds.Where(id => !delivered.Contains(id))];
    }
}
