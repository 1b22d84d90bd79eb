using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using Microsoft.Playwright;

namespace IArms.Web.Tests;

/// <summary>
/// Once for the whole project: the built service (<c>src/IArms.Api/bin/Release</c>) started as a real process on a free
/// Kestrel port of 127.0.0.1, over a SQLite file of its own seeded with the demo data, and one headless Debian
/// chromium driven by Playwright through its executable path (no browser is ever downloaded). Each test opens a
/// context of its own, so that cookies never leak from one test to another.
/// </summary>
[SetUpFixture]
public sealed class WebHost
{
    public const string AdminKey = "web-test-bootstrap-admin-key";
    public const string FrKey = "demo-fr-ncb-key-0000000000000001";
    public const string DeKey = "demo-de-bka-key-0000000000000002";

    /// <summary>Where Debian installs chromium; <c>IARMS_CHROMIUM</c> names another.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("IARMS_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    private static readonly StringBuilder Log = new();
    private static Process? _process;
    private static string _folder = "";
    private static IPlaywright? _playwright;

    public static Uri BaseAddress { get; private set; } = null!;

    public static IBrowser? Browser { get; private set; }

    /// <summary>Why the browser tests cannot run here (no chromium), or null.</summary>
    public static string? Unavailable { get; private set; }

    public static string Output
    {
        get
        {
            lock (Log)
            {
                return Log.ToString();
            }
        }
    }

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
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }
        _process?.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // Left for the temp folder's cleanup.
        }
    }

    public static HttpClient Api(string key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(20) };
        client.DefaultRequestHeaders.Add("X-Api-Key", key);
        return client;
    }

    private static async Task StartServiceAsync()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "IArms.sln")))
        {
            root = root.Parent;
        }
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Debug{Path.DirectorySeparatorChar}", StringComparison.Ordinal) ? "Debug" : "Release";
        var dll = Path.Combine(root!.FullName, "src", "IArms.Api", "bin", configuration, "net10.0", "IArms.Api.dll");
        Assert.That(File.Exists(dll), $"{dll} is missing: build the solution first (scripts/test.sh does).");
        _folder = Path.Combine(Path.GetTempPath(), "iarms-web-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_folder);
        BaseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _folder,
        };
        start.ArgumentList.Add(dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(BaseAddress.ToString().TrimEnd('/'));
        // Development: plain http on 127.0.0.1, so the session cookie may go without Secure (as scripts/run.sh runs it).
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ConnectionStrings__IArms"] = $"Data Source={Path.Combine(_folder, "iarms.db")}";
        start.Environment["IArms__BootstrapAdminKey"] = AdminKey;
        start.Environment["IArms__SeedDemoData"] = "true";
        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var admin = Api(AdminKey);
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (_process.HasExited)
            {
                Assert.Fail($"The service exited with {_process.ExitCode} while starting:\n{Output}");
            }
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

    private static void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (Log)
        {
            Log.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
