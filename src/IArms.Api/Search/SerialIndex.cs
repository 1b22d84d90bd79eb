using Dapper;
using IArms.Api.Data;
using IArms.Api.Firearms;
using IArms.Core.Serials;

namespace IArms.Api.Search;

/// <summary>
/// Keeps the search tables (<c>firearm_serial</c>, <c>serial_key</c>) in step with the records, inside
/// each record's own transaction: a record is searchable exactly when it is committed, and a withdrawn
/// record stops being found at the same moment. Each serial row also carries its record's owner and visibility
/// scope, so that the candidate lookups filter by visibility themselves (<see cref="SearchQueries"/>).
/// </summary>
public sealed class SerialIndex(Db db, TrigramStatistics statistics) : IFirearmChangeListener
{
    /// <summary>The location recorded for a record's main serial number.</summary>
    public const string MainLocation = "main";

    public async Task OnChangedAsync(FirearmChange change, CancellationToken ct)
    {
        var (connection, tx) = (change.Connection, change.Transaction);
        if (change.Kind != FirearmChangeKind.Created)
        {
            var old = await connection.QueryAsync<SerialRow>(new CommandDefinition(
                SearchQueries.SelectSerials.For(db.Dialect), new { firearmId = change.FirearmId }, tx, cancellationToken: ct));
            var oldKeys = old.SelectMany(s => SerialKeys.ForSerial(s.Canonical).Select(k => new { Key = k, SerialId = s.Id })).ToList();
            await connection.ExecuteAsync(new CommandDefinition(SearchQueries.DeleteKey.For(db.Dialect), oldKeys, tx, cancellationToken: ct));
            statistics.Apply(oldKeys.Select(k => k.Key), -1);
            await connection.ExecuteAsync(new CommandDefinition(SearchQueries.DeleteSerials.For(db.Dialect), new { firearmId = change.FirearmId }, tx, cancellationToken: ct));
        }
        if (change.Record is not { } record)
        {
            return;
        }

        var serials = new List<(string Location, string Serial)> { (MainLocation, record.SerialNumber) };
        serials.AddRange(record.OtherSerialList.Select(o => (o.Location!, o.Value!)));
        foreach (var (location, serial, normalized) in serials
            .Select(s => (s.Location, s.Serial, Normalized: SerialNormalizer.Normalize(s.Serial)))
            .Where(s => s.Normalized.Length > 0)
            .DistinctBy(s => (s.Location, s.Normalized)))
        {
            var canonical = SerialNormalizer.Canonicalize(normalized);
            var serialId = await connection.QuerySingleAsync<long>(new CommandDefinition(SearchQueries.InsertSerial.For(db.Dialect), new
            {
                FirearmId = change.FirearmId, Location = location, Serial = serial, Normalized = normalized, Canonical = canonical,
                Reversed = SerialNormalizer.Reversed(canonical),
                // The record's owner and scope, for the visibility test inside the candidate lookups; rewritten with
                // every change of the record, so a PUT that narrows or widens its visibility moves them too.
                record.OwnerAgencyId, record.VisibilityScope,
            }, tx, cancellationToken: ct));
            var keys = SerialKeys.ForSerial(canonical);
            await connection.ExecuteAsync(new CommandDefinition(
                SearchQueries.InsertKey.For(db.Dialect), keys.Select(k => new { Key = k, SerialId = serialId }), tx, cancellationToken: ct));
            statistics.Apply(keys, +1);
        }
    }

    private sealed class SerialRow
    {
        public long Id { get; set; }
        public string Canonical { get; set; } = "";
    }
}
