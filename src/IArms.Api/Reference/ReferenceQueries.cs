using IArms.Api.Data;
using IArms.Core.Reference;

namespace IArms.Api.Reference;

/// <summary>All of the reference feature's SQL: the table itself, and the re-resolution of records it drives.</summary>
public static class ReferenceQueries
{
    private static readonly Sql SelectMakes = new("SELECT id, canonical_name, country_code FROM reference_make");
    private static readonly Sql SelectMakeAliases = new("SELECT make_id AS owner_id, alias FROM reference_make_alias ORDER BY id");
    private static readonly Sql SelectCalibres = new("SELECT id, canonical_name, NULL AS country_code FROM reference_calibre");
    private static readonly Sql SelectCalibreAliases = new("SELECT calibre_id AS owner_id, alias FROM reference_calibre_alias ORDER BY id");

    // Changes queue behind each other from their first statement. A locking hint rather than SERIALIZABLE, which
    // SQL Server-compatible engines (Babelfish) refuse; on SQLite a write transaction already holds the write lock.
    private static readonly Sql LockTable = new(d => $"SELECT COUNT(*) FROM reference_make {d.LockForWrite}");

    private static readonly Sql InsertMake = new(d => d.InsertReturningId(
        "INSERT INTO reference_make (canonical_name, country_code)", "VALUES (@name, @country)"));
    private static readonly Sql InsertCalibre = new(d => d.InsertReturningId(
        "INSERT INTO reference_calibre (canonical_name)", "VALUES (@name)"));
    private static readonly Sql InsertMakeAlias = new("INSERT INTO reference_make_alias (make_id, alias) VALUES (@ownerId, @alias)");
    private static readonly Sql InsertCalibreAlias = new("INSERT INTO reference_calibre_alias (calibre_id, alias) VALUES (@ownerId, @alias)");

    private static readonly Sql CountMakes = new("SELECT COUNT(*) FROM reference_make");
    private static readonly Sql InsertSeedMake = new(d => d.WithExplicitIds("reference_make",
        "INSERT INTO reference_make (id, canonical_name, country_code) VALUES (@Id, @Name, @CountryCode)"));
    private static readonly Sql InsertSeedCalibre = new(d => d.WithExplicitIds("reference_calibre",
        "INSERT INTO reference_calibre (id, canonical_name) VALUES (@Id, @Name)"));

    private static readonly Sql SelectMakeTexts = new(
        "SELECT make AS text, canonical_make AS canonical FROM firearm WHERE withdrawn_at IS NULL GROUP BY make, canonical_make");
    private static readonly Sql SelectCalibreTexts = new(
        "SELECT calibre AS text, canonical_calibre AS canonical FROM firearm WHERE withdrawn_at IS NULL GROUP BY calibre, canonical_calibre");

    // A record whose canonical make or calibre changes has changed: updated_at moves, so that a national system
    // syncing with updatedSince sees it (and, on SQLite, the version trigger moves its ETag).
    private static readonly Sql UpdateMake = new(
        "UPDATE firearm SET canonical_make = @canonical, updated_at = @now WHERE make = @text AND withdrawn_at IS NULL");
    private static readonly Sql UpdateCalibre = new(
        "UPDATE firearm SET canonical_calibre = @canonical, updated_at = @now WHERE calibre = @text AND withdrawn_at IS NULL");

    /// <summary>The whole table as the session sees it.</summary>
    public static async Task<ReferenceCatalog.Snapshot> ReadAsync(SqlSession session) => new(
        new ReferenceResolver(await LoadAsync(session, SelectMakes, SelectMakeAliases), ReferenceKind.Make),
        new ReferenceResolver(await LoadAsync(session, SelectCalibres, SelectCalibreAliases), ReferenceKind.Calibre));

    private static async Task<IReadOnlyList<ReferenceEntry>> LoadAsync(SqlSession session, Sql entries, Sql aliases)
    {
        var rows = await session.QueryAsync<EntryRow>(entries);
        var byOwner = (await session.QueryAsync<AliasRow>(aliases)).ToLookup(a => a.OwnerId, a => a.Alias);
        return rows.Select(r => new ReferenceEntry(r.Id, r.CanonicalName, r.CountryCode, byOwner[r.Id].ToList())).ToList();
    }

    /// <summary>Holds the reference table until the session's transaction ends; concurrent changes wait.</summary>
    public static Task LockAsync(SqlSession session) => session.QuerySingleAsync<long>(LockTable);

    public static async Task<bool> IsEmptyAsync(SqlSession session) => await session.QuerySingleAsync<long>(CountMakes) == 0;

    /// <summary>Inserts a seed entry with its stable id, then its aliases in order.</summary>
    public static async Task InsertSeedAsync(SqlSession session, ReferenceKind kind, ReferenceSeed.Entry entry)
    {
        await session.ExecuteAsync(kind == ReferenceKind.Make ? InsertSeedMake : InsertSeedCalibre, new { entry.Id, entry.Name, entry.CountryCode });
        await InsertAliasesAsync(session, kind, entry.Id, entry.Aliases);
    }

    public static Task<long> InsertEntryAsync(SqlSession session, ReferenceKind kind, string name, string? country) =>
        session.QuerySingleAsync<long>(kind == ReferenceKind.Make ? InsertMake : InsertCalibre, new { name, country });

    public static Task InsertAliasesAsync(SqlSession session, ReferenceKind kind, long ownerId, IEnumerable<string> aliases) =>
        session.ExecuteAsync(kind == ReferenceKind.Make ? InsertMakeAlias : InsertCalibreAlias, aliases.Select(alias => new { ownerId, alias }).ToList());

    /// <summary>The distinct make (or calibre) texts of the live records, with the canonical name each now has.</summary>
    public static Task<List<TextRow>> TextsAsync(SqlSession session, ReferenceKind kind) =>
        session.QueryAsync<TextRow>(kind == ReferenceKind.Make ? SelectMakeTexts : SelectCalibreTexts);

    /// <summary>Sets the canonical name of the records with each text; answers the records changed.</summary>
    public static Task<int> SetCanonicalAsync(SqlSession session, ReferenceKind kind, IEnumerable<(string Text, string? Canonical)> changes, DateTimeOffset now) =>
        session.ExecuteAsync(kind == ReferenceKind.Make ? UpdateMake : UpdateCalibre, changes.Select(c => new { text = c.Text, canonical = c.Canonical, now }).ToList());

    public sealed class TextRow
    {
        public string Text { get; set; } = "";
        public string? Canonical { get; set; }
    }

    private sealed class EntryRow
    {
        public long Id { get; set; }
        public string CanonicalName { get; set; } = "";
        public string? CountryCode { get; set; }
    }

    private sealed class AliasRow
    {
        public long OwnerId { get; set; }
        public string Alias { get; set; } = "";
    }
}
