using IArms.Api.Data;
using IArms.Core.Reference;

namespace IArms.Api.Reference;

/// <summary>
/// Adds makes, calibres and aliases, refusing any spelling that would mean two entries, and re-resolves
/// the records against the new table, all in one transaction that first locks the reference table: the check
/// sees every committed change (from any instance), and a crash never leaves records resolved against a table
/// that was not saved. The in-memory table is swapped only after the commit.
/// </summary>
public sealed class ReferenceService(Db db, ReferenceCatalog catalog, TimeProvider clock)
{
    /// <summary>Why a change was refused.</summary>
    public sealed class ReferenceConflictException(string message) : Exception(message);

    public Task<ReferenceChangeResponse?> AddEntryAsync(ReferenceKind kind, string name, string? country, IReadOnlyList<string> aliases, CancellationToken ct)
    {
        var spellings = Distinct(kind, [name.Trim(), .. aliases.Select(a => a.Trim())]);
        return ChangeAsync(kind, async (session, table) =>
        {
            EnsureFree(kind, table, spellings);
            var id = await ReferenceQueries.InsertEntryAsync(session, kind, spellings[0], country);
            await ReferenceQueries.InsertAliasesAsync(session, kind, id, spellings.Skip(1));
            return id;
        }, ct);
    }

    /// <summary>Adds an alias to entry <paramref name="id"/>; null when there is no such entry.</summary>
    public Task<ReferenceChangeResponse?> AddAliasAsync(ReferenceKind kind, long id, string alias, CancellationToken ct)
    {
        var spellings = Distinct(kind, [alias.Trim()]);
        return ChangeAsync(kind, async (session, table) =>
        {
            if (table.For(kind).Entries.All(e => e.Id != id))
            {
                return null;
            }
            EnsureFree(kind, table, spellings);
            await ReferenceQueries.InsertAliasesAsync(session, kind, id, spellings);
            return id;
        }, ct);
    }

    /// <summary>Runs one change against the table as committed, re-resolves the records, commits, then serves the new table.</summary>
    private async Task<ReferenceChangeResponse?> ChangeAsync(
        ReferenceKind kind, Func<SqlSession, ReferenceCatalog.Snapshot, Task<long?>> change, CancellationToken ct)
    {
        ReferenceCatalog.Snapshot table;
        long id;
        int updated;
        await using (var session = await db.WriteAsync(ct))
        {
            await ReferenceQueries.LockAsync(session);
            if (await change(session, await ReferenceQueries.ReadAsync(session)) is not { } changed)
            {
                return null;
            }
            id = changed;
            table = await ReferenceQueries.ReadAsync(session);
            updated = await ReResolveAsync(session, kind, table.For(kind));
            await session.CommitAsync();
        }
        catalog.Use(table);

        var entry = table.For(kind).Entries.Single(e => e.Id == id);
        return new ReferenceChangeResponse(new ReferenceEntryResponse(entry.Id, entry.CanonicalName, entry.CountryCode, entry.Aliases, null), updated);
    }

    /// <summary>Re-resolves every distinct make (or calibre) text of the live records against <paramref name="resolver"/>.</summary>
    private async Task<int> ReResolveAsync(SqlSession session, ReferenceKind kind, ReferenceResolver resolver)
    {
        var changes = (await ReferenceQueries.TextsAsync(session, kind))
            .Select(t => (t.Text, Canonical: string.IsNullOrWhiteSpace(t.Text) ? null : resolver.Resolve(t.Text).Entry?.CanonicalName, Old: t.Canonical))
            .Where(t => t.Canonical != t.Old)
            .Select(t => (t.Text, t.Canonical))
            .ToList();
        return changes.Count == 0 ? 0 : await ReferenceQueries.SetCanonicalAsync(session, kind, changes, clock.GetUtcNow());
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
}
