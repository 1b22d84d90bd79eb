using System.Data;
using System.Security.Cryptography;
using System.Text.Json;
using IArms.Api.Agencies;
using IArms.Api.Analysis;
using IArms.Api.Data;
using IArms.Api.Search;
using IArms.Api.Tracing;
using IArms.Core.Serials;

namespace IArms.Api.Firearms;

/// <summary>The values written for a record: the request plus what the service derives from it.</summary>
public sealed class StoredFirearm : FirearmColumns
{
    public string CanonicalSerial { get; set; } = "";
    public DateTimeOffset Now { get; set; }
    public long ExpectedVersion { get; set; }

    // Fields, not properties: every property is a parameter of the insert and the update, and a list among them would
    // send those statements through Dapper's path, which compiles them again for every record (SqlSession binds
    // simple values to its prepared commands only). The insert was the largest single cost of an imported row.
#pragma warning disable CA1051
    /// <summary>The other serials, as the search index stores them.</summary>
    public IReadOnlyList<OtherSerial> OtherSerialList = [];

    /// <summary>The countries of a restricted record.</summary>
    public IReadOnlyList<string> VisibilityCountries = [];
#pragma warning restore CA1051
}

/// <summary>
/// Creates, replaces and withdraws records. What must change with a record changes in its transaction, by
/// explicit calls: its country list, its serials in the search tables (<see cref="SerialIndex"/>) and, on
/// withdrawal, the trace requests that shared it. The in-memory trigram counts change only after the commit,
/// so a rolled-back write never moves them.
/// </summary>
public sealed class FirearmService(Db db, TimeProvider clock, IFirearmCanonicalizer canonicalizer, TrigramStatistics statistics)
{
    public sealed record Saved(FirearmResponse Record, long Version);

    public abstract record CreateOutcome
    {
        public sealed record Created(Saved Saved) : CreateOutcome;
        public sealed record AlreadyExists(Saved Saved) : CreateOutcome;
        public sealed record ExternalIdTaken(long ExistingId) : CreateOutcome;
    }

    public abstract record UpdateOutcome
    {
        public sealed record Updated(Saved Saved) : UpdateOutcome;
        public sealed record NotFound : UpdateOutcome;
        public sealed record NotOwner : UpdateOutcome;
        public sealed record Stale : UpdateOutcome;
        public sealed record ExternalIdTaken(long ExistingId) : UpdateOutcome;
    }

    public async Task<CreateOutcome> CreateAsync(FirearmRequest request, Caller caller, CancellationToken ct)
    {
        var record = Prepare(request, caller.AgencyId);
        for (var attempt = 0; ; attempt++)
        {
            await using var session = await db.WriteAsync(ct);
            var existing = await FirearmQueries.FindLiveByExternalIdAsync(session, caller.AgencyId, record.ExternalId);
            if (existing is not null)
            {
                // A resent record is not duplicated: the same content answers with the stored record.
                if (existing.ContentHash == record.ContentHash)
                {
                    return new CreateOutcome.AlreadyExists((await FirearmQueries.GetAsync(session, existing.Id, caller))!);
                }
                return new CreateOutcome.ExternalIdTaken(existing.Id);
            }

            try
            {
                // The writer's turn is the service's one serial section: only the statements run inside it. A new
                // record has no chain, so its analysis rows come from its own fields (nothing to read), and the
                // answer is built from the values written rather than read back.
                var inserted = await FirearmQueries.InsertAsync(session, record);
                record.Id = inserted.Id;
                await FirearmQueries.WriteVisibilityAsync(session, record, replacing: false);
                var keys = await SerialIndex.ReplaceAsync(session, record.Id, record, existed: false);
                await AnalysisIndex.CreatedAsync(session, Analysed(record));
                await session.CommitAsync();
                statistics.Apply(keys);
                return new CreateOutcome.Created(new Saved(FirearmQueries.WrittenResponse(record, caller.AgencyCode), inserted.Version));
            }
            catch (Exception e) when (attempt == 0 && db.Dialect.IsUniqueViolation(e))
            {
                // Another writer inserted the same external id between our check and our insert: look again
                // (the session rolls back as it is disposed).
            }
        }
    }

    /// <summary>Replaces the record if <paramref name="precondition"/> accepts its current version (the If-Match check).</summary>
    public async Task<UpdateOutcome> UpdateAsync(long id, Func<long, bool> precondition, FirearmRequest request, Caller caller, CancellationToken ct)
    {
        var record = Prepare(request, caller.AgencyId);
        record.Id = id;
        try
        {
            return await ReplaceAsync(record, precondition, caller, ct);
        }
        catch (Exception e) when (db.Dialect.IsUniqueViolation(e))
        {
            // A concurrent create took the new external id after our check; the replace was rolled back.
            await using var session = await db.PrimaryAsync(ct);
            var taken = await FirearmQueries.FindLiveByExternalIdAsync(session, caller.AgencyId, record.ExternalId);
            return new UpdateOutcome.ExternalIdTaken(taken?.Id ?? 0);
        }
    }

    private async Task<UpdateOutcome> ReplaceAsync(StoredFirearm record, Func<long, bool> precondition, Caller caller, CancellationToken ct)
    {
        SerialIndex.KeyChanges keys;
        Saved? saved;
        await using (var session = await db.WriteAsync(ct))
        {
            var current = await FirearmQueries.GetAsync(session, record.Id, caller);
            if (current is null)
            {
                return new UpdateOutcome.NotFound();
            }
            if (current.Record.OwnerAgency != caller.AgencyCode)
            {
                return new UpdateOutcome.NotOwner();
            }
            if (!precondition(current.Version))
            {
                return new UpdateOutcome.Stale();
            }
            // The update itself re-checks the version, so a writer that commits in between still loses.
            record.ExpectedVersion = current.Version;
            var clash = await FirearmQueries.FindLiveByExternalIdAsync(session, caller.AgencyId, record.ExternalId);
            if (clash is not null && clash.Id != record.Id)
            {
                return new UpdateOutcome.ExternalIdTaken(clash.Id);
            }
            if (await FirearmQueries.UpdateAsync(session, record) is null)
            {
                return new UpdateOutcome.Stale();
            }
            await FirearmQueries.WriteVisibilityAsync(session, record, replacing: true);
            keys = await SerialIndex.ReplaceAsync(session, record.Id, record, existed: true);
            await AnalysisIndex.RefreshAsync(session, record.Id);
            saved = await FirearmQueries.GetAsync(session, record.Id, caller);
            await session.CommitAsync();
        }
        statistics.Apply(keys);
        return new UpdateOutcome.Updated(saved!);
    }

    public enum UpsertOutcome { Created, Updated, Unchanged }

    /// <summary>
    /// The values an upsert of <paramref name="requests"/> writes (normalised serials, canonical names, content hash),
    /// computed before the writer's turn is taken: <see cref="UpsertManyAsync"/> takes them.
    /// </summary>
    public IReadOnlyList<StoredFirearm> PrepareMany(IEnumerable<FirearmRequest> requests, long agencyId) =>
        [.. requests.Select(r => Prepare(r, agencyId))];

    /// <summary>
    /// Creates or replaces the agency's records (<see cref="PrepareMany"/>) by externalId inside <paramref name="session"/>'s
    /// transaction (an import's chunk), in order: new → created; same content → unchanged; other content → replaced as
    /// a PUT would (new version, search index and visibility in step); a later request with the same externalId upserts
    /// over the earlier one. The stored records are looked up once for the whole chunk; the analysis tables follow
    /// each record as they follow a single POST or PUT; the created records' serial keys are inserted together, sorted.
    /// The caller commits, then calls <see cref="Applied"/> with the key changes collected, so the trigram counts move
    /// only for what committed.
    /// </summary>
    public async Task<List<(UpsertOutcome Outcome, SerialIndex.KeyChanges? Keys)>> UpsertManyAsync(
        SqlSession session, IReadOnlyList<StoredFirearm> records, long agencyId)
    {
        var createdKeys = new List<(long Key, long SerialId)>();
        var stored = await FirearmQueries.FindLiveByExternalIdsAsync(session, agencyId, records.Select(r => r.ExternalId).Distinct(StringComparer.Ordinal));
        var outcomes = new List<(UpsertOutcome, SerialIndex.KeyChanges?)>(records.Count);
        foreach (var record in records)
        {
            if (!stored.TryGetValue(record.ExternalId, out var existing))
            {
                var inserted = await FirearmQueries.InsertAsync(session, record);
                record.Id = inserted.Id;
                stored[record.ExternalId] = new() { Id = inserted.Id, ExternalId = record.ExternalId, ContentHash = record.ContentHash, Version = inserted.Version };
                await FirearmQueries.WriteVisibilityAsync(session, record, replacing: false);
                var keys = await SerialIndex.ReplaceAsync(session, record.Id, record, existed: false, createdKeys);
                await AnalysisIndex.CreatedAsync(session, Analysed(record));
                outcomes.Add((UpsertOutcome.Created, keys));
                continue;
            }
            if (existing.ContentHash == record.ContentHash)
            {
                outcomes.Add((UpsertOutcome.Unchanged, null));
                continue;
            }
            // A replace reads and removes the record's keys: those still held back must be in the table first.
            await SerialIndex.InsertKeysAsync(session, createdKeys);
            record.Id = existing.Id;
            record.ExpectedVersion = existing.Version;
            // The import's transaction holds the write lock (SQLite) or the row (the update's version check on SQL Server).
            existing.Version = await FirearmQueries.UpdateAsync(session, record)
                ?? throw new DBConcurrencyException($"Record {record.Id} changed while it was being imported.");
            existing.ContentHash = record.ContentHash;
            await FirearmQueries.WriteVisibilityAsync(session, record, replacing: true);
            var changedKeys = await SerialIndex.ReplaceAsync(session, record.Id, record, existed: true);
            // What the analysis reads of the record may have changed (serial, make, status, place...); its chain stays.
            await AnalysisIndex.RefreshAsync(session, record.Id);
            outcomes.Add((UpsertOutcome.Updated, changedKeys));
        }
        await SerialIndex.InsertKeysAsync(session, createdKeys);
        return outcomes;
    }

    /// <summary>What the analysis reads of a record, from the values just written.</summary>
    private static AnalysedFirearm Analysed(StoredFirearm r) => new()
    {
        Id = r.Id, OwnerAgencyId = r.OwnerAgencyId, VisibilityScope = r.VisibilityScope, Type = r.Type, SerialNumber = r.SerialNumber, Make = r.Make, CanonicalMake = r.CanonicalMake, Model = r.Model, Status = r.Status,
        EventDate = r.EventDate, EventCountryCode = r.EventCountryCode, EventPlace = r.EventPlace, CaseReference = r.CaseReference,
        ObliteratedSerial = r.ObliteratedSerial,
    };

    /// <summary>Moves the in-memory trigram counts for upserts that have committed.</summary>
    public void Applied(IEnumerable<SerialIndex.KeyChanges> keys)
    {
        foreach (var change in keys)
        {
            statistics.Apply(change);
        }
    }

    public enum WithdrawOutcome { Withdrawn, NotFound, NotOwner, Stale }

    /// <summary>Withdraws the record if <paramref name="precondition"/> accepts its current version (the If-Match check).</summary>
    public async Task<WithdrawOutcome> WithdrawAsync(long id, Func<long, bool> precondition, Caller caller, CancellationToken ct)
    {
        SerialIndex.KeyChanges keys;
        await using (var session = await db.WriteAsync(ct))
        {
            var current = await FirearmQueries.GetAsync(session, id, caller);
            if (current is null)
            {
                return WithdrawOutcome.NotFound;
            }
            if (current.Record.OwnerAgency != caller.AgencyCode)
            {
                return WithdrawOutcome.NotOwner;
            }
            var now = clock.GetUtcNow();
            // The withdrawal re-checks the version, so a writer that commits in between still loses.
            if (!precondition(current.Version) || !await FirearmQueries.WithdrawAsync(session, id, current.Version, now))
            {
                return WithdrawOutcome.Stale;
            }
            keys = await SerialIndex.ReplaceAsync(session, id, null, existed: true);
            // Open requests can no longer be answered, must not fall overdue, and must not keep sharing the record.
            await TracingQueries.CloseRequestsOfFirearmAsync(session, id, now);
            await AnalysisIndex.RefreshAsync(session, id);
            await session.CommitAsync();
        }
        statistics.Apply(keys);
        return WithdrawOutcome.Withdrawn;
    }

    private StoredFirearm Prepare(FirearmRequest request, long ownerAgencyId)
    {
        var otherSerials = (request.OtherSerials ?? [])
            .Select(o => new OtherSerial(o.Location, o.Value!.Trim()))
            .ToList();
        var scope = request.Visibility?.Scope ?? "all";
        var make = request.Make!.Trim();
        var calibre = request.Calibre?.Trim() ?? "";
        return new StoredFirearm
        {
            OwnerAgencyId = ownerAgencyId,
            ExternalId = request.ExternalId!.Trim(),
            SerialNumber = request.SerialNumber!.Trim(),
            NormalizedSerial = SerialNormalizer.Normalize(request.SerialNumber),
            CanonicalSerial = SerialNormalizer.Canonical(request.SerialNumber),
            OtherSerialList = otherSerials,
            OtherSerials = JsonSerializer.Serialize(otherSerials, FirearmQueries.Json),
            Make = make,
            Model = request.Model?.Trim() ?? "",
            Calibre = calibre,
            Type = request.Type!,
            CanonicalMake = canonicalizer.CanonicalMake(make),
            CanonicalCalibre = canonicalizer.CanonicalCalibre(calibre),
            CountryOfManufacture = request.CountryOfManufacture,
            YearOfManufacture = request.YearOfManufacture,
            ImportMarking = request.ImportMarking?.Trim() ?? "",
            Status = request.Status!,
            EventDate = request.EventDate,
            EventCountryCode = request.EventCountryCode,
            EventPlace = request.EventPlace?.Trim() ?? "",
            CaseReference = request.CaseReference?.Trim() ?? "",
            ObliteratedSerial = request.ObliteratedSerial ?? false,
            VisibilityScope = scope,
            VisibilityCountries = scope == "all" ? [] : [.. request.Visibility!.Countries!.Distinct(StringComparer.Ordinal)],
            Notes = request.Notes ?? "",
            ContentHash = Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, FirearmQueries.Json))),
            Now = clock.GetUtcNow(),
        };
    }

}

/// <summary>Maps free-text make and calibre to the reference table's canonical names (null when unknown).</summary>
public interface IFirearmCanonicalizer
{
    string? CanonicalMake(string? make);
    string? CanonicalCalibre(string? calibre);
}

/// <summary>Filters and position of one page of <c>GET /firearms</c>.</summary>
public sealed record FirearmListQuery(string? Status, string? Type, string? CountryCode, string? Make, DateTimeOffset? UpdatedSince, long AfterId, int Limit)
{
    /// <summary>Only the caller's own record with this externalId (exact): how a national system finds its record.</summary>
    public string? ExternalId { get; init; }

    /// <summary>With <see cref="UpdatedSince"/>: answer the records withdrawn since then as tombstones too.</summary>
    public bool IncludeWithdrawn { get; init; }
}
