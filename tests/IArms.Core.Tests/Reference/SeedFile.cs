using System.Text.Json;
using IArms.Core.Reference;

namespace IArms.Core.Tests.Reference;

/// <summary>
/// Reads the reference seed from its one data file, <c>src/IArms.Api/Reference/reference-seed.json</c> (embedded in
/// the service and applied by its seeder), so the tests check the rows a new database will hold, not a copy of them.
/// </summary>
internal static class SeedFile
{
    private static readonly Lazy<string> Root = new(FindRepositoryRoot);

    private static readonly Lazy<Seed> Parsed = new(() =>
        JsonSerializer.Deserialize<Seed>(File.ReadAllText(PathOf()), new JsonSerializerOptions(JsonSerializerDefaults.Web))!);

    public static string PathOf() => Path.Combine(Root.Value, "src", "IArms.Api", "Reference", "reference-seed.json");

    /// <summary>The migration scripts of a provider, which must not hold a copy of the rows.</summary>
    public static IEnumerable<string> MigrationScripts() =>
        Directory.GetFiles(Path.Combine(Root.Value, "src", "IArms.Api", "Data", "Migrations"), "*.sql", SearchOption.AllDirectories).Order();

    public static IReadOnlyList<ReferenceEntry> Makes() => Entries(Parsed.Value.Makes);

    public static IReadOnlyList<ReferenceEntry> Calibres() => Entries(Parsed.Value.Calibres);

    public static IReadOnlyList<SeedEntry> RawMakes() => Parsed.Value.Makes;

    public static IReadOnlyList<SeedEntry> RawCalibres() => Parsed.Value.Calibres;

    private static List<ReferenceEntry> Entries(IEnumerable<SeedEntry> entries) =>
        [.. entries.Select(e => new ReferenceEntry(e.Id, e.Name, e.CountryCode, e.Aliases))];

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IArms.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("IArms.sln not found above " + AppContext.BaseDirectory);
    }

    internal sealed record Seed(IReadOnlyList<SeedEntry> Makes, IReadOnlyList<SeedEntry> Calibres);

    internal sealed record SeedEntry(long Id, string Name, string? CountryCode, IReadOnlyList<string> Aliases);
}
