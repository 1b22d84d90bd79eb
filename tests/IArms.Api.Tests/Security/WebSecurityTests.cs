using System.Collections.Concurrent;
using System.Net;
using System.Text.RegularExpressions;
using IArms.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace IArms.Api.Tests.Security;

/// <summary>Issue 11, defect 8: security headers, no Server banner, host filtering, no key in a log.</summary>
public partial class WebSecurityTests : ApiFixture
{
    private HttpClient _france = null!;

    [OneTimeSetUp]
    public async Task Start() => _france = await App.AgencyAsync("FR-NCB", "FR", "search", "record");

    private static void AssertSecurityHeaders(HttpResponseMessage response)
    {
        string Header(string name) =>
            response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
                ? string.Join(",", values) : "";

        Assert.Multiple(() =>
        {
            Assert.That(Header("X-Content-Type-Options"), Is.EqualTo("nosniff"), response.RequestMessage?.RequestUri?.ToString());
            Assert.That(Header("X-Frame-Options"), Is.EqualTo("DENY"));
            Assert.That(Header("Referrer-Policy"), Is.EqualTo("no-referrer"));
            Assert.That(Header("Cache-Control"), Is.EqualTo("no-store"));
            Assert.That(Header("Content-Security-Policy"), Does.Contain("frame-ancestors 'none'"));
            Assert.That(Header("Server"), Is.Empty);
        });
    }

    [Test]
    public async Task EveryKindOfAnswerCarriesTheSecurityHeaders()
    {
        using var anonymous = App.ClientWithKey(null);
        var created = await (await _france.PostJsonAsync("/api/v1/firearms", Records.Firearm("SH 100-200"))).ExpectAsync(HttpStatusCode.Created);

        AssertSecurityHeaders(await _france.GetAsync($"/api/v1/firearms/{(long)created["id"]!}"));
        AssertSecurityHeaders(await _france.GetAsync("/api/v1/firearms/999999"));
        AssertSecurityHeaders(await _france.PostRawAsync("/api/v1/firearms", "{not json"));
        AssertSecurityHeaders(await anonymous.GetAsync("/api/v1/firearms"));
        AssertSecurityHeaders(await anonymous.GetAsync("/health/live"));
        AssertSecurityHeaders(await anonymous.GetAsync("/swagger/v1/swagger.json"));
        AssertSecurityHeaders(await anonymous.GetAsync("/no/such/route"));
    }

    [Test]
    public async Task TheOneTimeKeyIsNeverCached()
    {
        using var admin = App.Admin();

        var response = await admin.PostJsonAsync("/api/v1/agencies/FR-NCB/api-keys", new { roles = new[] { "search" }, label = "cache test" });

        await response.ExpectAsync(HttpStatusCode.Created);
        Assert.That(response.Headers.CacheControl?.NoStore, Is.True);
    }

    [Test]
    public async Task TheApiForbidsEveryContentSourceAndSwaggerOnlyItsOwn()
    {
        using var anonymous = App.ClientWithKey(null);

        var api = await anonymous.GetAsync("/health/live");
        var swagger = await anonymous.GetAsync("/swagger/index.html");

        Assert.That(api.Headers.GetValues("Content-Security-Policy").Single(), Does.StartWith("default-src 'none'"));
        Assert.That(swagger.Headers.GetValues("Content-Security-Policy").Single(), Does.StartWith("default-src 'self'"));
    }

    [Test]
    public async Task SwaggerUiLoadsItsOwnAssetsUnderItsPolicy()
    {
        using var anonymous = App.ClientWithKey(null);

        var page = await anonymous.GetAsync("/swagger/index.html");
        var html = await page.Content.ReadAsStringAsync();

        Assert.That(page.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        AssertSecurityHeaders(page);
        // script-src falls back to 'self': an inline script would not run, so the page must have none.
        Assert.That(InlineScript().IsMatch(html), Is.False, html);
        var assets = Asset().Matches(html).Select(m => m.Groups["url"].Value).Where(u => !u.StartsWith("data:", StringComparison.Ordinal)).ToList();
        Assert.That(assets, Has.Some.EndsWith(".js").And.Some.EndsWith(".css"));
        foreach (var asset in assets)
        {
            Assert.That(asset, Does.Not.Contain("//"), "Swagger UI must not load anything from another origin");
            var loaded = await anonymous.GetAsync(new Uri(new Uri("http://localhost/swagger/index.html"), asset));
            Assert.That(loaded.StatusCode, Is.EqualTo(HttpStatusCode.OK), asset);
            AssertSecurityHeaders(loaded);
        }
    }

    [GeneratedRegex("<script(?![^>]*\\bsrc=)[^>]*>\\s*\\S", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex("(?:src|href)=\"(?<url>[^\"]+)\"", RegexOptions.IgnoreCase)]
    private static partial Regex Asset();

    [Test]
    public void KestrelSendsNoServerHeader() =>
        Assert.That(App.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.AddServerHeader, Is.False);

    [TestCase("localhost")]
    [TestCase("127.0.0.1:5080")]
    [TestCase("[::1]:5080")]
    public async Task TheDefaultAllowedHostsServeTheLocalRunAndTheTestHost(string host)
    {
        using var anonymous = App.ClientWithKey(null);

        var response = await anonymous.SendJsonAsync(HttpMethod.Get, "/health/live", null, ("Host", host));

        await response.ExpectAsync(HttpStatusCode.OK);
    }

    [Test]
    public async Task AHostOutsideAllowedHostsIsRefusedWithProblemDetails()
    {
        using var anonymous = App.ClientWithKey(null);

        var response = await anonymous.SendJsonAsync(HttpMethod.Get, "/health/live", null, ("Host", "attacker.example"));

        await response.ExpectProblemAsync(HttpStatusCode.BadRequest);
        AssertSecurityHeaders(response);
    }

    [Test]
    public async Task AllowedHostsIsConfigurable()
    {
        using var configured = App.WithWebHostBuilder(b => b.UseSetting("AllowedHosts", "iarms.police.example"));
        using var client = configured.CreateClient();

        await (await client.SendJsonAsync(HttpMethod.Get, "/health/live", null, ("Host", "iarms.police.example"))).ExpectAsync(HttpStatusCode.OK);
        await (await client.SendJsonAsync(HttpMethod.Get, "/health/live", null, ("Host", "localhost"))).ExpectProblemAsync(HttpStatusCode.BadRequest);
    }

    [Test]
    public async Task AKeyInTheQueryStringDoesNotAuthenticate()
    {
        using var admin = App.Admin();
        var key = (string)(await (await admin.PostJsonAsync("/api/v1/agencies/FR-NCB/api-keys", new { roles = new[] { "search" }, label = "query" }))
            .ExpectAsync(HttpStatusCode.Created))["key"]!;
        using var anonymous = App.ClientWithKey(null);

        foreach (var name in new[] { "apiKey", "api_key", "key", "X-Api-Key" })
        {
            await (await anonymous.GetAsync($"/api/v1/firearms?{name}={Uri.EscapeDataString(key)}")).ExpectProblemAsync(HttpStatusCode.Unauthorized);
        }
    }

    [Test]
    public async Task AKeyInTheQueryStringNeverReachesALog()
    {
        var logs = new CapturingLoggerProvider();
        using var logged = App.WithWebHostBuilder(b => b.ConfigureLogging(l => l.SetMinimumLevel(LogLevel.Trace).AddProvider(logs)));
        using var admin = logged.CreateClient();
        admin.DefaultRequestHeaders.Add("X-Api-Key", IArmsApplication.AdminKey);
        const string secret = "iak_SECRET-in-the-query-0123456789";

        await admin.GetAsync($"/api/v1/agencies?apiKey={secret}");
        await admin.GetAsync($"/api/v1/firearms?key={secret}&limit=abc");
        using var anonymous = logged.CreateClient();
        await anonymous.GetAsync($"/api/v1/agencies?api_key={secret}");
        await anonymous.GetAsync($"/no/such/route?apikey={secret}");

        Assert.That(logs.Messages, Has.Some.Contains("/api/v1/agencies"), "the request log still records the requests");
        Assert.That(logs.Messages, Has.None.Contains("SECRET"));
    }

    private sealed class CapturingLoggerProvider : ILoggerProvider
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public IReadOnlyCollection<string> Messages => _messages;

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _messages);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<string> messages) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                messages.Enqueue($"{category}: {formatter(state, exception)} {exception}");
        }
    }
}
