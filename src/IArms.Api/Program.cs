using IArms.Api;
using IArms.Api.Data;

// Configuration files are read once: reloading them on change watches the content root and everything under it, and
// the default database (data/iarms.db) lives there, so every WAL write woke the watcher's thread (9 % of the service's
// CPU during creates). Given first, so that a --hostBuilder:reloadConfigOnChange=true of the caller still wins.
var builder = WebApplication.CreateBuilder(["--hostBuilder:reloadConfigOnChange=false", .. args]);
builder.AddIArms();
var app = builder.Build();
app.UseIArms();

if (args.Length > 0 && args[0] == "migrate")
{
    // `dotnet IArms.Api.dll migrate`: bring the database up to date (schema and reference seed) and exit.
    app.Services.GetRequiredService<Migrator>().Migrate(createDatabase: true);
    await app.Services.GetRequiredService<IArms.Api.Reference.ReferenceSeeder>().SeedAsync(CancellationToken.None);
    Console.WriteLine($"Database migrated ({app.Services.GetRequiredService<Db>().Provider}).");
    return;
}

if (args.Length > 0 && args[0] == "rebuild-analysis")
{
    // `dotnet IArms.Api.dll rebuild-analysis`: migrate, then derive the analysis tables from every record and chain
    // (databases written before migration 0023, or by the data generator). Run it with the service stopped.
    app.Services.GetRequiredService<Migrator>().Migrate(createDatabase: true);
    var started = System.Diagnostics.Stopwatch.StartNew();
    var (firearms, events) = await IArms.Api.Analysis.AnalysisIndex.RebuildAsync(app.Services.GetRequiredService<Db>(), CancellationToken.None);
    Console.WriteLine($"Analysis tables rebuilt from {firearms} records and {events} custody events in {started.Elapsed.TotalSeconds:F1} s.");
    return;
}

app.Run();

/// <summary>The entry point, visible to the test host.</summary>
public partial class Program;
