using System.Collections.Concurrent;
using System.Net;
using IArms.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Operations;

/// <summary>
/// Police data stays in the audit: with every category logging at Trace, searches and writes leave no API key,
/// serial, search text or record field in any log line, its arguments, its scopes or its exception.
/// </summary>
public class LogPrivacyTests
{
    private readonly CapturingLoggerProvider _logs = new();
    private IArmsApplication _app = null!;

    [OneTimeSetUp]
    public void Start() => _app = new IArmsApplication
    {
        Settings = new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "Trace", ["Logging:LogLevel:Microsoft"] = "Trace" },
        TestServices = services => services.AddSingleton<ILoggerProvider>(_logs),
    };

    [OneTimeTearDown]
    public void Stop() => _app.Dispose();

    [Test]
    public async Task SearchesAndWritesWithEveryLogLevelEnabledLogNoKeySerialOrRecordField()
    {
        const string agencyKeyLabel = "LOGKEY";
        var owner = await _app.AgencyAsync("FR-NCB", "FR", "search", "record");
        var searcher = await _app.AgencyAsync("DE-BKA", "DE", "search");
        var record = Firearm("QXZ 9081 LOG") with
        {
            Make = "Zorkmid Arms", Model = "Quillon 77", Calibre = "7.77x77mm Quill", CountryOfManufacture = "BE",
            ImportMarking = "IMPMARK-4471", EventPlace = "Vlaardingenbrug", CaseReference = "CASE-REF-88213", Notes = "notes-text-55120",
            OtherSerials = [new OtherSerialBody("frame", "FRM 6620 LOG")],
        };
        var posted = await owner.PostJsonAsync("/api/v1/firearms", record);
        var created = await posted.ExpectAsync(HttpStatusCode.Created);
        var id = (long)created["id"]!;
        await (await owner.SendJsonAsync(HttpMethod.Put, $"/api/v1/firearms/{id}", record with { Model = "Quillon 78" },
            ("If-Match", posted.Headers.ETag!.ToString()))).ExpectAsync(HttpStatusCode.OK);
        await (await owner.GetAsync($"/api/v1/firearms/{id}")).Content.ReadAsStringAsync();
        await (await owner.GetAsync("/api/v1/firearms?make=Zorkmid%20Arms&limit=5")).Content.ReadAsStringAsync();
        await (await searcher.PostJsonAsync("/api/v1/searches", new { serialNumber = "QXZ9081LOG", purpose = "seizure", caseReference = "SRCH-CASE-3317" })).ExpectAsync(HttpStatusCode.OK);
        await (await searcher.PostJsonAsync("/api/v1/searches", new { serialNumber = "QXZ9?81LO*", make = "Zorkmid", purpose = "investigation" })).ExpectAsync(HttpStatusCode.OK);
        await (await searcher.PostJsonAsync("/api/v1/searches", new { serialNumber = "", purpose = "seizure" })).Content.ReadAsStringAsync();
        using (var wrong = _app.ClientWithKey("wrong-key-" + agencyKeyLabel + "-000000000000"))
        {
            await (await wrong.PostJsonAsync("/api/v1/searches", new { serialNumber = "QXZ9081LOG", purpose = "seizure" })).Content.ReadAsStringAsync();
        }

        var keys = new[] { IArmsApplication.AdminKey, "wrong-key-" + agencyKeyLabel }
            .Concat(new[] { owner, searcher }.Select(c => c.DefaultRequestHeaders.GetValues("X-Api-Key").Single()));
        var forbidden = keys.Concat([
            "QXZ 9081", "QXZ9081", "QXZ9?81", "FRM 6620", "FRM6620", "Zorkmid", "Quillon", "7.77x77mm", "IMPMARK-4471", "Vlaardingenbrug",
            "CASE-REF-88213", "notes-text-55120", "SRCH-CASE-3317", (string)created["externalId"]!,
        ]).ToList();

        var lines = _logs.Lines.ToList();
        Assert.That(lines, Has.Count.GreaterThan(50), "the capture sees the framework's logs too");
        var leaks = lines.SelectMany(line => forbidden.Where(f => line.Contains(f, StringComparison.OrdinalIgnoreCase)).Select(f => $"'{f}' in: {line}")).ToList();
        Assert.That(leaks, Is.Empty);
    }

    /// <summary>Every log line as text: category, message, each argument, every scope and the exception.</summary>
    private sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ConcurrentQueue<string> Lines { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var text = new System.Text.StringBuilder($"{logLevel} {category}: {formatter(state, exception)}");
                if (state is IEnumerable<KeyValuePair<string, object?>> values)
                {
                    foreach (var (key, value) in values)
                    {
                        text.Append($" | {key}={value}");
                    }
                }
                provider._scopes.ForEachScope((scope, sb) =>
                {
                    sb.Append($" | scope {scope}");
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var (key, value) in pairs)
                        {
                            sb.Append($" {key}={value}");
                        }
                    }
                }, text);
                text.Append(exception is null ? "" : $" | {exception}");
                provider.Lines.Enqueue(text.ToString());
            }
        }
    }
}
