using System.Collections.Concurrent;
using IArms.Api.Search;
using IArms.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace IArms.Api.Tests.Search;

/// <summary>
/// A fresh start (as <c>scripts/run.sh</c> does it: new database, migrations, demo data) loads the trigram
/// statistics without the warning "Trigram statistics could not be loaded ... Invalid attempt to call Read when
/// reader is closed" (issue 12). Its cause was the counts being read through an unbuffered Dapper query: Dapper
/// disposes the command before the rows are enumerated, and Microsoft.Data.Sqlite closes the reader with it.
/// </summary>
public class TrigramStatisticsStartupTests
{
    [Test]
    public async Task AFreshStartLoadsTheTrigramStatisticsWithoutAWarning()
    {
        var logs = new CapturedLogs();
        using var fresh = new IArmsApplication();
        using var app = fresh.WithWebHostBuilder(b =>
        {
            b.UseSetting("IArms:SeedDemoData", "true");
            b.ConfigureLogging(l => l.AddProvider(logs));
        });

        var statistics = app.Services.GetRequiredService<TrigramStatistics>();
        for (var waited = 0; !statistics.IsLoaded && waited < 100; waited++)
        {
            await Task.Delay(50);
        }

        Assert.That(statistics.IsLoaded, Is.True, string.Join("\n", logs.Entries));
        Assert.That(logs.Entries.Where(e => e.Level >= LogLevel.Warning && e.Category.StartsWith("IArms", StringComparison.Ordinal)), Is.Empty);
        Assert.That(logs.Entries, Has.Some.Matches<(string Category, LogLevel Level, string Message)>(e => e.Message.StartsWith("Seeded demo data", StringComparison.Ordinal)));
    }

    private sealed class CapturedLogs : ILoggerProvider
    {
        private readonly ConcurrentQueue<(string Category, LogLevel Level, string Message)> _entries = new();

        public IReadOnlyList<(string Category, LogLevel Level, string Message)> Entries => [.. _entries];

        public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _entries);

        public void Dispose()
        {
        }

        private sealed class Logger(string category, ConcurrentQueue<(string, LogLevel, string)> entries) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                entries.Enqueue((category, logLevel, formatter(state, exception) + (exception is null ? "" : " " + exception.Message)));
        }
    }
}
