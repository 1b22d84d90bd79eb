using System.Text.Json.Nodes;

namespace IArms.Contract.Tests;

/// <summary>
/// The committed contract passes the linters integrators run: Spectral with the OWASP API Security ruleset
/// (tests/contract/.spectral.yaml: three rules overridden, each with its reason) and Redocly's recommended rules
/// (tests/contract/redocly.yaml), with no error.
/// </summary>
public class LintTests
{
    [Test]
    public async Task SpectralWithTheOwaspRulesetFindsNoError()
    {
        var (exit, output) = await Tools.NodeToolAsync("spectral", "lint", "--ruleset", ".spectral.yaml", "--format", "json", "--quiet",
            "--fail-severity", "error", Tools.ContractFile);
        var start = output.IndexOf('[', StringComparison.Ordinal);
        var findings = start < 0 ? [] : JsonNode.Parse(output[start..])!.AsArray();
        var errors = findings.Where(f => (int)f!["severity"]! == 0)
            .Select(f => $"{f!["code"]} at {string.Join('.', f["path"]!.AsArray())}: {f["message"]}").ToList();
        TestContext.Out.WriteLine($"Spectral: {errors.Count} errors, {findings.Count - errors.Count} warnings and hints.");
        Assert.That(errors, Is.Empty, string.Join(Environment.NewLine, errors.Take(30)));
        Assert.That(exit, Is.Zero, output);
    }

    [Test]
    public async Task TheSpectralRulesetOverridesAtMostThreeRulesEachWithAReason()
    {
        var lines = await File.ReadAllLinesAsync(Path.Combine(Tools.LintFolder, ".spectral.yaml"));
        var overrides = lines.Select((line, index) => (Line: line.Trim(), Index: index)).Where(l => l.Line.StartsWith("owasp:", StringComparison.Ordinal)).ToList();
        Assert.That(overrides, Has.Count.InRange(1, 3));
        foreach (var (line, index) in overrides)
        {
            Assert.That(lines[index - 1].Trim(), Does.StartWith("#"), $"'{line}' needs its reason in the comment above it.");
        }
    }

    [Test]
    public async Task RedoclyWithTheRecommendedRulesFindsNoError()
    {
        var (exit, output) = await Tools.NodeToolAsync("redocly", "lint", "--config", "redocly.yaml", "--format", "stylish", Tools.ContractFile);
        TestContext.Out.WriteLine(output);
        Assert.That(exit, Is.Zero, output);
        Assert.That(output, Does.Not.Contain(" error "));
    }
}
