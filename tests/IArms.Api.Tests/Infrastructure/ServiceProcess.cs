using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;

namespace IArms.Api.Tests.Infrastructure;

/// <summary>
/// The built service (<c>src/IArms.Api/bin/Release</c>, which <c>scripts/test.sh</c> builds first) run as a child
/// process on a SQLite file in a folder of its own, so a test can kill it with SIGKILL and start it again on the
/// same database. Every wait is bounded: a service that hangs fails the test instead of hanging CI.
/// </summary>
public sealed class ServiceProcess : IDisposable
{
    public const string AdminKey = "crash-test-bootstrap-admin-key";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly IReadOnlyDictionary<string, string> _environment;
    private readonly StringBuilder _output = new();
    private Process? _process;

    /// <param name="environment">Further settings, as environment variables (<c>IArms__Imports__ChunkRows</c>).</param>
    public ServiceProcess(IReadOnlyDictionary<string, string> environment)
    {
        _environment = environment;
        Folder = Path.Combine(Path.GetTempPath(), "iarms-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Folder);
    }

    public string Folder { get; }

    public Uri BaseAddress { get; private set; } = null!;

    public static string Dll => RepoPaths.Combine("src", "IArms.Api", "bin", "Release", "net10.0", "IArms.Api.dll");

    /// <summary>What the process wrote, for a failure message.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the service on a free port and waits until <c>/health/ready</c> answers 200.</summary>
    public async Task StartAsync()
    {
        if (!File.Exists(Dll))
        {
            Assert.Fail($"{Dll} is missing: build the solution in Release first (scripts/test.sh does).");
        }
        BaseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Folder,
        };
        start.ArgumentList.Add(Dll);
        start.ArgumentList.Add("--urls");
        start.ArgumentList.Add(BaseAddress.ToString().TrimEnd('/'));
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["ConnectionStrings__IArms"] = $"Data Source={Path.Combine(Folder, "iarms.db")}";
        start.Environment["IArms__BootstrapAdminKey"] = AdminKey;
        foreach (var (key, value) in _environment)
        {
            start.Environment[key] = value;
        }
        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var probe = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < StartTimeout)
        {
            if (_process.HasExited)
            {
                Assert.Fail($"The service exited with {_process.ExitCode} while starting:\n{Output}");
            }
            try
            {
                if ((await probe.GetAsync("/health/ready")).StatusCode == HttpStatusCode.OK)
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
            await Task.Delay(100);
        }
        Assert.Fail($"The service was not ready within {StartTimeout}:\n{Output}");
    }

    /// <summary>SIGKILL on Linux: no shutdown hooks run, as with <c>kill -9</c>.</summary>
    public void Kill()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            if (!_process.WaitForExit(TimeSpan.FromSeconds(10)))
            {
                Assert.Fail("The service did not exit after SIGKILL.");
            }
        }
        _process?.Dispose();
        _process = null;
    }

    public HttpClient Client(string? key = null)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Add("X-Api-Key", key);
        }
        return client;
    }

    /// <summary>Registers an agency as HQ admin and returns a new key of it with the given roles.</summary>
    public async Task<string> AgencyKeyAsync(string code, string countryCode, params string[] roles)
    {
        using var admin = Client(AdminKey);
        var created = await admin.PostAsJsonAsync("/api/v1/agencies", new { code, name = $"Agency {code}", countryCode });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var key = await admin.PostAsJsonAsync($"/api/v1/agencies/{code}/api-keys", new { roles, label = "test" });
        Assert.That(key.StatusCode, Is.EqualTo(HttpStatusCode.Created), await key.Content.ReadAsStringAsync());
        return (await key.Content.ReadFromJsonAsync<KeyBody>())!.Key;
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(Folder, recursive: true);
            }
            catch (IOException)
            {
                // Left for the temp folder's cleanup; the test result stands.
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed record KeyBody(long Id, string Key);
}
