using System.Diagnostics;
using System.Net;
using IArms.Api.Tests.Infrastructure;
using Microsoft.Playwright;

namespace IArms.Web.Tests;

/// <summary>
/// Once for the whole project: the built service (<c>src/IArms.Api/bin/Release</c>) started as a real process on a free
/// Kestrel port of 127.0.0.1 (the API tests' <see cref="ServiceProcess"/>, linked into this project), over a SQLite
/// file of its own seeded with the demo data, and one headless Debian
/// chromium driven by Playwright through its executable path (no browser is ever downloaded). Each test opens a
/// context of its own, so that cookies never leak from one test to another.
/// </summary>
[SetUpFixture]
public sealed class WebHost
{
    public const string AdminKey = ServiceProcess.AdminKey;
    public const string FrKey = "demo-fr-ncb-key-0000000000000001";
    public const string DeKey = "demo-de-bka-key-0000000000000002";

    /// <summary>Where Debian installs chromium; <c>IARMS_CHROMIUM</c> names another.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("IARMS_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private static ServiceProcess? _service;
    private static IPlaywright? _playwright;

    public static Uri BaseAddress => _service!.BaseAddress;

    public static IBrowser? Browser { get; private set; }

    /// <summary>Why the browser tests cannot run here (no chromium), or null.</summary>
    public static string? Unavailable { get; private set; }

    public static string Output => _service?.Output ?? "";

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            Unavailable = $"chromium is not installed at {ChromiumPath} (apt-get install chromium; .ci/run does)";
            return;
        }
        await StartServiceAsync();
        Environment.SetEnvironmentVariable("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            // Root in a container has no user namespace for chromium's sandbox.
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }
        _playwright?.Dispose();
        _service?.Dispose();
    }

    public static HttpClient Api(string key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    private static async Task StartServiceAsync()
    {
        _service = new ServiceProcess(new Dictionary<string, string>
        {
            // Development: plain http on 127.0.0.1, so the session cookie may go without Secure (as scripts/run.sh runs it).
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["IArms__SeedDemoData"] = "true",
        });
        await _service.StartAsync();

        using var admin = Api(AdminKey);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                // Ready once the demo data (its officer last) is seeded.
                var officers = await admin.GetAsync("/api/v1/agencies/DE-BKA/officers");
                if (officers.StatusCode == HttpStatusCode.OK && (await officers.Content.ReadAsStringAsync()).Contains("demo.officer", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // A probe timed out; the deadline decides.
            }
            await Task.Delay(200);
        }
        Assert.Fail($"The service was not ready within 60 s:\n{Output}");
    }
}
