using System.Text.Json;
using IArms.Api.Data;
using IArms.Core.Reference;

namespace IArms.Api.Reference;

/// <summary>The reference seed, <c>reference-seed.json</c> (embedded): the one copy of the makes and calibres a new database starts with.</summary>
public sealed record ReferenceSeed(IReadOnlyList<ReferenceSeed.Entry> Makes, IReadOnlyList<ReferenceSeed.Entry> Calibres)
{
    public const string ResourceName = "IArms.Api.Reference.reference-seed.json";

    public sealed record Entry(long Id, string Name, string? CountryCode, IReadOnlyList<string> Aliases);

    private static readonly Lazy<ReferenceSeed> Embedded = new(() =>
    {
        using var stream = typeof(ReferenceSeed).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded reference seed {ResourceName} is missing.");
        return JsonSerializer.Deserialize<ReferenceSeed>(stream, new JsonSerializerOptions(JsonSerializerDefaults.Web))
            ?? throw new InvalidOperationException("The reference seed is empty.");
    });

    public static ReferenceSeed Load() => Embedded.Value;
}

/// <summary>
/// Fills the reference table from <see cref="ReferenceSeed"/> when it is empty (a new database), once: the check and
/// the inserts run in one transaction holding the table, so two instances starting together seed it once.
/// </summary>
public sealed class ReferenceSeeder(Db db, ILogger<ReferenceSeeder> logger)
{
    public async Task SeedAsync(CancellationToken ct)
    {
        await using var session = await db.WriteAsync(ct);
        await ReferenceQueries.LockAsync(session);
        if (!await ReferenceQueries.IsEmptyAsync(session))
        {
            return;
        }
        var seed = ReferenceSeed.Load();
        foreach (var make in seed.Makes)
        {
            await ReferenceQueries.InsertSeedAsync(session, ReferenceKind.Make, make);
        }
        foreach (var calibre in seed.Calibres)
        {
            await ReferenceQueries.InsertSeedAsync(session, ReferenceKind.Calibre, calibre);
        }
        await session.CommitAsync();
        logger.LogInformation("Seeded the reference table: {Makes} makes, {Calibres} calibres", seed.Makes.Count, seed.Calibres.Count);
    }
}
