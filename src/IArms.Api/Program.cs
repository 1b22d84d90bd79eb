using IArms.Api;
using IArms.Api.Data;

var builder = WebApplication.CreateBuilder(args);
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

app.Run();

/// <summary>The entry point, visible to the test host.</summary>
public partial class Program;
