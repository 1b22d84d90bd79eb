using IArms.Web.Tests;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using IArms.Core.Security;
using Microsoft.Playwright;

namespace IArms.Web.Tests.Infrastructure;

/// <summary>An officer account made for one test: its credentials, and the last TOTP step it used (a code is accepted once).</summary>
public sealed class TestOfficer(string username, string password, byte[] secret, long lastStep)
{
    public string Username { get; } = username;
    public string Password { get; } = password;
    public byte[] Secret { get; } = secret;
    public long LastStep { get; set; } = lastStep;
    public long Id { get; init; }

    /// <summary>A code not used yet: the current step's, or the next one's when the current one is spent (accepted ±1 step).</summary>
    public string NextCode()
    {
        var step = Math.Max(Totp.StepAt(DateTimeOffset.UtcNow), LastStep + 1);
        LastStep = step;
        return Totp.Code(Secret, step);
    }
}

/// <summary>
/// A test in a fresh browser context (its own cookies) on the shared service. Each test saves a screenshot of where it
/// ended under <c>artifacts/web/</c>. Without chromium the tests are ignored with the reason, except under CI=true,
/// where they fail: CI installs chromium, so its absence there is a broken build, not a skip.
/// </summary>
public abstract class BrowserTest
{
    private static int _sequence;

    protected IBrowserContext Context { get; private set; } = null!;

    protected IPage Page { get; private set; } = null!;

    /// <summary>Set by a test that needs JavaScript switched off (the search and record views must work without it).</summary>
    protected virtual bool JavaScript => true;

    protected static string Url(string path) => new Uri(WebHost.BaseAddress, path).ToString();

    [SetUp]
    public async Task OpenContextAsync()
    {
        if (WebHost.Unavailable is { } reason)
        {
            if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            {
                Assert.Fail($"Browser tests cannot run under CI: {reason}.");
            }
            Assert.Ignore($"Browser tests skipped: {reason}.");
        }
        Context = await WebHost.Browser!.NewContextAsync(new BrowserNewContextOptions
        {
            JavaScriptEnabled = JavaScript,
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
        });
        Context.SetDefaultTimeout(15_000);
        Page = await Context.NewPageAsync();
    }

    [TearDown]
    public async Task CloseContextAsync()
    {
        if (Page is null || WebHost.Unavailable is not null)
        {
            return;
        }
        var folder = Path.Combine(RepoRoot, "artifacts", "web");
        Directory.CreateDirectory(folder);
        try
        {
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, TestContext.CurrentContext.Test.Name + ".png"), FullPage = true });
        }
        finally
        {
            await Context.CloseAsync();
        }
    }

    public static string RepoRoot
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "IArms.sln")))
            {
                dir = dir.Parent;
            }
            return dir!.FullName;
        }
    }

    /// <summary>Creates an officer through the API (as the central administrator) and enrols it through the enrolment page.</summary>
    protected async Task<TestOfficer> NewOfficerAsync(string agency, params string[] roles)
    {
        var username = $"officer{Interlocked.Increment(ref _sequence)}-{Guid.NewGuid().ToString("N")[..6]}";
        using var admin = WebHost.Api(WebHost.AdminKey);
        var created = await admin.PostAsJsonAsync($"/api/v1/agencies/{agency}/officers", new { username, displayName = $"Officer {username}", roles });
        Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created), await created.Content.ReadAsStringAsync());
        var body = JsonNode.Parse(await created.Content.ReadAsStringAsync())!;
        var officer = await EnrolAsync(body["enrolmentPath"]!.GetValue<string>(), "correct horse battery staple");
        return new TestOfficer(officer.Username, officer.Password, officer.Secret, officer.LastStep) { Id = body["id"]!.GetValue<long>() };
    }

    /// <summary>Opens an enrolment link, reads the TOTP key the page shows, and enrols with a password and the current code.</summary>
    protected async Task<TestOfficer> EnrolAsync(string path, string password)
    {
        await Page.GotoAsync(Url(path));
        var username = await Page.Locator("#username").InnerTextAsync();
        var secret = Totp.FromBase32(await Page.Locator("#totp-secret").InnerTextAsync())!;
        if (JavaScript)
        {
            await AssertAccessibleAsync();
        }
        var step = Totp.StepAt(DateTimeOffset.UtcNow);
        await Page.GetByLabel("New password (at least 12 characters)").FillAsync(password);
        await Page.GetByLabel("New password again").FillAsync(password);
        await Page.GetByLabel("Code shown by your authenticator app").FillAsync(Totp.Code(secret, step));
        await Page.GetByRole(AriaRole.Button, new() { Name = "Enrol" }).ClickAsync();
        await Assertions.Expect(Page.Locator("#enrolled")).ToContainTextAsync(username);
        return new TestOfficer(username, password, secret, step);
    }

    protected async Task SignInAsync(TestOfficer officer)
    {
        await Page.GotoAsync(Url("/sign-in"));
        await FillSignInAsync(officer.Username, officer.Password, officer.NextCode());
        await Assertions.Expect(Page.GetByRole(AriaRole.Heading, new() { Name = "Search a serial number" })).ToBeVisibleAsync();
    }

    protected async Task FillSignInAsync(string username, string password, string code)
    {
        await Page.GetByLabel("Username").FillAsync(username);
        await Page.GetByLabel("Password").FillAsync(password);
        await Page.GetByLabel("Code from your authenticator app").FillAsync(code);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
    }

    /// <summary>axe-core's WCAG 2.0 and 2.1 A and AA rules find nothing on the page as it is.</summary>
    protected async Task AssertAccessibleAsync()
    {
        // axe-core runs as a script in the page: with JavaScript off it would never answer.
        Assert.That(JavaScript, "axe-core needs JavaScript in the page");
        var result = await Page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        });
        var violations = result.Violations.Select(v => $"{v.Id}: {v.Help} at {string.Join(", ", v.Nodes.Select(n => n.Target?.ToString()))}").ToList();
        Assert.That(violations, Is.Empty, $"axe-core on {Page.Url}");
    }
}
