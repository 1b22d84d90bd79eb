using System.Diagnostics;
using IArms.Api.Tests.Infrastructure;

namespace IArms.Contract.Tests;

/// <summary>
/// The contract tools, installed by scripts/test.sh (<c>npm ci</c> in tests/contract, <c>dotnet tool restore</c>). A tool
/// that is missing ignores its test here, with the reason; under CI=true it fails it, so that CI cannot pass unproven.
/// </summary>
public static class Tools
{
    public static string ContractFile => RepoPaths.Combine("openapi", "iarms-v1.json");

    public static string LintFolder => RepoPaths.Combine("tests", "contract");

    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Ignores the test locally, fails it in CI.</summary>
    public static void Missing(string what)
    {
        var message = $"{what} is not installed: run scripts/test.sh (npm ci in tests/contract, dotnet tool restore).";
        if (InCi)
        {
            Assert.Fail(message);
        }
        Assert.Ignore(message);
    }

    /// <summary>Runs a linter from tests/contract/node_modules/.bin; returns its exit code and output.</summary>
    public static async Task<(int Exit, string Output)> NodeToolAsync(string name, params string[] arguments)
    {
        var path = Path.Combine(LintFolder, "node_modules", ".bin", name);
        if (!File.Exists(path))
        {
            Missing(name);
        }
        var start = new ProcessStartInfo(path) { WorkingDirectory = LintFolder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        // Redocly asks to send usage data and checks for updates; neither may reach the network from a test.
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        start.Environment["NO_UPDATE_NOTIFIER"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output + await errors);
    }
}
