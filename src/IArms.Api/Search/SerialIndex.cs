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
    /// </summary>
    public static async Task<KeyChanges> ReplaceAsync(SqlSession session, long firearmId, StoredFirearm? record, bool existed)
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
            await session.ExecuteAsync(SearchQueries.InsertKeys, new { keys = SqlList.Of(keys), serialId });
            added.AddRange(keys);
        }
        return new KeyChanges(removed, added);
    }

    private sealed class SerialRow
    {
        public long Id { get; set; }
        public string Canonical { get; set; } = "";
    }
}
