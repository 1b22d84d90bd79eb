using System.Data.Common;
using Dapper;
using IArms.Api.Data;
using IArms.Core.Reference;

namespace IArms.Api.Reference;

/// <summary>
/// Adds makes, calibres and aliases, refusing any spelling that would mean two entries, and re-resolves
/// the records against the new table, all in one transaction that first locks the reference table: the check
/// sees every committed change (from any instance), and a crash never leaves records resolved against a table
/// that was not saved.
/// </summary>
public sealed class ReferenceStore(Db db, ReferenceCatalog catalog)
{
    private static readonly SqlText InsertMake = new(
        "INSERT INTO reference_make (canonical_name, country_code) VALUES (@name, @country) RETURNING id",
        "INSERT INTO reference_make (canonical_name, country_code) OUTPUT INSERTED.id VALUES (@name, @country)");
    private static readonly SqlText InsertCalibre = new(
        "INSERT INTO reference_calibre (canonical_name) VALUES (@name) RETURNING id",
        "INSERT INTO reference_calibre (canonical_name) OUTPUT INSERTED.id VALUES (@name)");
    private static readonly SqlText InsertMakeAlias = SqlText.Same("INSERT INTO reference_make_alias (make_id, alias) VALUES (@ownerId, @alias)");
    private static readonly SqlText InsertCalibreAlias = SqlText.Same("INSERT INTO reference_calibre_alias (calibre_id, alias) VALUES (@ownerId, @alias)");

    private static readonly SqlText SelectMakeTexts = SqlText.Same(
        "SELECT make AS Text, canonical_make AS Canonical FROM firearm WHERE withdrawn_at IS NULL GROUP BY make, canonical_make");
    private static readonly SqlText SelectCalibreTexts = SqlText.Same(
        "SELECT calibre AS Text, canonical_calibre AS Canonical FROM firearm WHERE withdrawn_at IS NULL GROUP BY calibre, canonical_calibre");
    private static readonly SqlText UpdateMake = new(
        "UPDATE firearm SET canonical_make = @canonical, version = version + 1 WHERE make = @text AND withdrawn_at IS NULL",
        "UPDATE firearm SET canonical_make = @canonical WHERE make = @text AND withdrawn_at IS NULL");
    private static readonly SqlText UpdateCalibre = new(
        "UPDATE firearm SET canonical_calibre = @canonical, version = version + 1 WHERE calibre = @text AND withdrawn_at IS NULL",
        "UPDATE firearm SET canonical_calibre = @canonical WHERE calibre = @text AND withdrawn_at IS NULL");

    // Changes queue behind each other from their first statement. A locking hint rather than SERIALIZABLE, which
    // SQL Server-compatible engines (Babelfish) refuse; on SQLite every write transaction already begins
    // IMMEDIATE, holding the database's write lock, so a plain read does the same there.
    private static readonly SqlText LockReference = new(
        "SELECT COUNT(*) FROM reference_make",
        "SELECT COUNT(*) FROM reference_make WITH (UPDLOCK, HOLDLOCK)");

    /// <summary>Why a change was refused.</summary>
    public sealed class ReferenceConflictException(string message) : Exception(message);

    public Task<ReferenceChangeResponse?> AddEntryAsync(ReferenceKind kind, string name, string? country, IReadOnlyList<string> aliases, CancellationToken ct)
    {
        var spellings = Distinct(kind, [name.Trim(), .. aliases.Select(a => a.Trim())]);
        return ChangeAsync(kind, async (connection, tx, table) =>
        {
            EnsureFree(kind, table, spellings);
            var id = await connection.QuerySingleAsync<long>(new CommandDefinition(
                db.Sql(kind == ReferenceKind.Make ? InsertMake : InsertCalibre), new { name = spellings[0], country }, tx, cancellationToken: ct));
            await InsertAliasesAsync(connection, tx, kind, id, spellings.Skip(1), ct);
            return id;
        }, ct);
    }

    /// <summary>Adds an alias to entry <paramref name="id"/>; null when there is no such entry.</summary>
    public Task<ReferenceChangeResponse?> AddAliasAsync(ReferenceKind kind, long id, string alias, CancellationToken ct)
    {
        var spellings = Distinct(kind, [alias.Trim()]);
        return ChangeAsync(kind, async (connection, tx, table) =>
        {
            if (table.For(kind).Entries.All(e => e.Id != id))
            {
                return null;
            }
            EnsureFree(kind, table, spellings);
            await InsertAliasesAsync(connection, tx, kind, id, spellings, ct);
            return id;
        }, ct);
    }

    /// <summary>Runs one change against the table as committed, re-resolves the records, commits, then serves the new table.</summary>
    private async Task<ReferenceChangeResponse?> ChangeAsync(
        ReferenceKind kind, Func<DbConnection, DbTransaction, ReferenceCatalog.Snapshot, Task<long?>> change, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(LockReference), transaction: tx, cancellationToken: ct));
        var id = await change(connection, tx, await catalog.ReadAsync(connection, tx, ct));
        if (id is null)
        {
            return null;
        }
        var table = await catalog.ReadAsync(connection, tx, ct);
        var updated = await ReResolveAsync(connection, tx, kind, table.For(kind), ct);
        await tx.CommitAsync(ct);
        catalog.Use(table);

        var entry = table.For(kind).Entries.Single(e => e.Id == id);
        return new ReferenceChangeResponse(new ReferenceEntryResponse(entry.Id, entry.CanonicalName, entry.CountryCode, entry.Aliases, null), updated);
    }

    private Task InsertAliasesAsync(DbConnection connection, DbTransaction tx, ReferenceKind kind, long id, IEnumerable<string> aliases, CancellationToken ct) =>
        connection.ExecuteAsync(new CommandDefinition(
            db.Sql(kind == ReferenceKind.Make ? InsertMakeAlias : InsertCalibreAlias),
            aliases.Select(alias => new { ownerId = id, alias }).ToList(), tx, cancellationToken: ct));

    /// <summary>Re-resolves every distinct make (or calibre) text of the live records against <paramref name="resolver"/>.</summary>
    private async Task<int> ReResolveAsync(DbConnection connection, DbTransaction tx, ReferenceKind kind, ReferenceResolver resolver, CancellationToken ct)
    {
        var texts = await connection.QueryAsync<TextRow>(new CommandDefinition(
            db.Sql(kind == ReferenceKind.Make ? SelectMakeTexts : SelectCalibreTexts), transaction: tx, cancellationToken: ct));
        var changes = texts
            .Select(t => new { text = t.Text, canonical = string.IsNullOrWhiteSpace(t.Text) ? null : resolver.Resolve(t.Text).Entry?.CanonicalName, old = t.Canonical })
            .Where(t => t.canonical != t.old)
            .Select(t => new { t.text, t.canonical })
            .ToList();
        return changes.Count == 0
            ? 0
            : await connection.ExecuteAsync(new CommandDefinition(
                db.Sql(kind == ReferenceKind.Make ? UpdateMake : UpdateCalibre), changes, tx, cancellationToken: ct));
    }

    /// <summary>The spellings with duplicates (by normalised key) removed, first kept; refuses a spelling that normalises to nothing.</summary>
    private static List<string> Distinct(ReferenceKind kind, IEnumerable<string> spellings)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var kept = new List<string>();
        foreach (var spelling in spellings)
        {
            var key = ReferenceText.Normalize(kind, spelling);
            if (key.Length == 0)
            {
                throw new ArgumentException($"'{spelling}' has nothing left to compare once case, punctuation and company suffixes are ignored.");
            }
            if (seen.Add(key))
            {
                kept.Add(spelling);
            }
        }
        return kept;
    }

    private static void EnsureFree(ReferenceKind kind, ReferenceCatalog.Snapshot table, IEnumerable<string> spellings)
    {
        var taken = table.For(kind).Entries
            .SelectMany(e => e.Aliases.Prepend(e.CanonicalName).Select(s => (Key: ReferenceText.Normalize(kind, s), Entry: e)))
            .GroupBy(x => x.Key)
            .ToDictionary(g => g.Key, g => g.First().Entry, StringComparer.Ordinal);
        foreach (var spelling in spellings)
        {
            if (taken.TryGetValue(ReferenceText.Normalize(kind, spelling), out var owner))
            {
                throw new ReferenceConflictException($"'{spelling}' already means '{owner.CanonicalName}' (id {owner.Id}).");
            }
        }
    }

    private sealed class TextRow
    {
        public string Text { get; set; } = "";
        public string? Canonical { get; set; }
    }
}
