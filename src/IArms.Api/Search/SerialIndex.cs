using IArms.Api.Data;
using IArms.Api.Firearms;
using IArms.Core.Serials;

namespace IArms.Api.Search;

/// <summary>
/// Keeps the search tables (<c>firearm_serial</c>, <c>serial_key</c>) in step with the records, inside each
/// record's own transaction (<see cref="FirearmService"/> calls it): a record is searchable exactly when it is
/// committed, and a withdrawn record stops being found at the same moment. Each serial row also carries its record's
/// owner and visibility scope, so that the candidate lookups filter by visibility themselves (<see cref="SearchQueries"/>).
/// </summary>
public static class SerialIndex
{
    /// <summary>The location recorded for a record's main serial number.</summary>
    public const string MainLocation = "main";

    /// <summary>The keys a write removed and stored, for <see cref="TrigramStatistics.Apply(KeyChanges)"/> once it commits.</summary>
    public readonly record struct KeyChanges(IReadOnlyList<long> Removed, IReadOnlyList<long> Added);

    /// <summary>
    /// Replaces the serials of record <paramref name="firearmId"/> with those of <paramref name="record"/> (none when
    /// it is null: a withdrawal). <paramref name="existed"/> is false for a new record, which has nothing to remove.
    /// With <paramref name="deferredKeys"/>, the new serials' keys are added there instead of inserted: the caller
    /// inserts them with <see cref="InsertKeysAsync"/>, before anything reads or removes this record's keys.
    /// </summary>
    public static async Task<KeyChanges> ReplaceAsync(
        SqlSession session, long firearmId, StoredFirearm? record, bool existed, List<(long Key, long SerialId)>? deferredKeys = null)
    {
        var removed = new List<long>();
        var added = new List<long>();
        if (existed)
        {
            var old = await session.QueryAsync<SerialRow>(SearchQueries.SelectSerials, new { firearmId });
            var oldKeys = old.SelectMany(s => SerialKeys.ForSerial(s.Canonical).Select(k => new { Key = k, SerialId = s.Id })).ToList();
            await session.ExecuteAsync(SearchQueries.DeleteKey, oldKeys);
            removed.AddRange(oldKeys.Select(k => k.Key));
            await session.ExecuteAsync(SearchQueries.DeleteSerials, new { firearmId });
        }
        if (record is null)
        {
            return new KeyChanges(removed, added);
        }

        var serials = new List<(string Location, string Serial)> { (MainLocation, record.SerialNumber) };
        serials.AddRange(record.OtherSerialList.Select(o => (o.Location!, o.Value!)));
        foreach (var (location, serial, normalized) in serials
            .Select(s => (s.Location, s.Serial, Normalized: SerialNormalizer.Normalize(s.Serial)))
            .Where(s => s.Normalized.Length > 0)
            .DistinctBy(s => (s.Location, s.Normalized)))
        {
            var canonical = SerialNormalizer.Canonicalize(normalized);
            var serialId = await session.QuerySingleAsync<long>(SearchQueries.InsertSerial, new
            {
                FirearmId = firearmId, Location = location, Serial = serial, Normalized = normalized, Canonical = canonical,
                Reversed = SerialNormalizer.Reversed(canonical),
                // The record's owner and scope, for the visibility test inside the candidate lookups; rewritten with
                // every change of the record, so a PUT that narrows or widens its visibility moves them too.
                record.OwnerAgencyId, record.VisibilityScope,
            });
            var keys = SerialKeys.ForSerial(canonical);
            if (deferredKeys is null)
            {
                await session.ExecuteAsync(SearchQueries.InsertKeys, new { keys = SqlList.Of(keys), serialId });
            }
            else
            {
                deferredKeys.AddRange(keys.Select(k => (k, serialId)));
            }
            added.AddRange(keys);
        }
        return new KeyChanges(removed, added);
    }

    /// <summary>Keys per statement of <see cref="InsertKeysAsync"/>.</summary>
    private const int KeysPerStatement = 5000;

    /// <summary>
    /// Inserts the keys collected by <see cref="ReplaceAsync"/> for many serials (an import's chunk), sorted by key
    /// (the order of <c>serial_key</c>'s B-tree), a few thousand per statement, and empties the list: one pass over the
    /// tree in order touches each page once, where twenty random inserts per serial wander all over it.
    /// </summary>
    public static async Task InsertKeysAsync(SqlSession session, List<(long Key, long SerialId)> keys)
    {
        keys.Sort();
        for (var i = 0; i < keys.Count; i += KeysPerStatement)
        {
            var pairs = SqlList.Of(keys.Skip(i).Take(KeysPerStatement).Select(k => new[] { k.Key, k.SerialId }));
            await session.ExecuteAsync(SearchQueries.InsertKeyPairs, new { pairs });
        }
        keys.Clear();
    }

    private sealed class SerialRow
    {
        public long Id { get; set; }
        public string Canonical { get; set; } = "";
    }
}
