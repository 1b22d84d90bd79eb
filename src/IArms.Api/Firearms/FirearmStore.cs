using System.Data.Common;
using System.Security.Cryptography;
using System.Text.Json;
using Dapper;
using IArms.Api.Agencies;
using IArms.Api.Data;
using IArms.Api.Infrastructure;
using IArms.Core.Reference;
using IArms.Core.Serials;

namespace IArms.Api.Firearms;

/// <summary>What happened to a record, for the features that keep derived data in step with it.</summary>
public enum FirearmChangeKind { Created, Updated, Withdrawn }

/// <summary>
/// A record change, seen inside the writing transaction: a derived index (serial search, reference
/// data) written here commits or rolls back together with the record, so it never drifts.
/// </summary>
public sealed record FirearmChange(
    DbConnection Connection, DbTransaction Transaction, long FirearmId, FirearmChangeKind Kind, StoredFirearm? Record, DateTimeOffset At);

/// <summary>Implemented by features that derive data from records; called inside the record's transaction.</summary>
public interface IFirearmChangeListener
{
    Task OnChangedAsync(FirearmChange change, CancellationToken ct);
}

/// <summary>The values written for a record: the request plus what the service derives from it.</summary>
public sealed class StoredFirearm : FirearmColumns
{
    public string CanonicalSerial { get; set; } = "";
    public IReadOnlyList<OtherSerial> OtherSerialList { get; set; } = [];
    public IReadOnlyList<string> VisibilityCountries { get; set; } = [];
    public DateTimeOffset Now { get; set; }
    public long ExpectedVersion { get; set; }
}

/// <summary>Reads and writes firearm records, applying the visibility rule to every read.</summary>
public sealed class FirearmStore(Db db, TimeProvider clock, IEnumerable<IFirearmChangeListener> listeners, IFirearmCanonicalizer canonicalizer)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

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

    public async Task<Saved?> GetAsync(long id, Caller caller, CancellationToken ct)
    {
        // The primary: a client that has just written must read its own write (and its new ETag).
        await using var connection = await db.OpenAsync(ct);
        return await GetAsync(connection, null, id, caller, ct);
    }

    private async Task<Saved?> GetAsync(DbConnection connection, DbTransaction? tx, long id, Caller caller, CancellationToken ct)
    {
        var row = await connection.QuerySingleOrDefaultAsync<FirearmRow>(new CommandDefinition(
            db.Sql(FirearmSql.SelectVisibleById), new { id, callerAgencyId = caller.AgencyId, callerCountry = caller.CountryCode }, tx, cancellationToken: ct));
        if (row is null)
        {
            return null;
        }
        var responses = await ToResponsesAsync(connection, tx, [row], ct);
        return new Saved(responses[0], row.Version);
    }

    /// <summary>Up to this many records changed since <c>updatedSince</c>, a page is read from the change index.</summary>
    private const int RecentChangesLimit = 5000;

    public async Task<FirearmPage> ListAsync(FirearmListQuery query, Caller caller, CancellationToken ct)
    {
        await using var connection = await db.OpenReadOnlyAsync(ct);
        var filters = (query.Status is null ? 0 : FirearmSql.ListFilters.Status)
            | (query.Type is null ? 0 : FirearmSql.ListFilters.Type)
            | (query.CountryCode is null ? 0 : FirearmSql.ListFilters.Country)
            | (query.Make is null ? 0 : FirearmSql.ListFilters.Make)
            | (query.Make is not null && canonicalizer.CanonicalMake(query.Make) is null ? FirearmSql.ListFilters.MakeUnresolved : 0)
            | (query.UpdatedSince is null ? 0 : FirearmSql.ListFilters.UpdatedSince);
        if (query.UpdatedSince is { } since && await connection.ExecuteScalarAsync<long>(new CommandDefinition(db.Sql(FirearmSql.CountUpdatedSince),
                new { updatedSince = since.ToUniversalTime(), limit = RecentChangesLimit }, cancellationToken: ct)) < RecentChangesLimit)
        {
            filters |= FirearmSql.ListFilters.FromUpdatedIndex;
        }
        var rows = (await connection.QueryAsync<FirearmRow>(new CommandDefinition(db.Sql(FirearmSql.SelectPage(filters)), new
        {
            afterId = query.AfterId,
            status = query.Status,
            type = query.Type,
            countryCode = query.CountryCode,
            make = query.Make?.Trim().ToLowerInvariant(),
            canonicalMake = query.Make is null ? null : canonicalizer.CanonicalMake(query.Make),
            updatedSince = query.UpdatedSince?.ToUniversalTime(),
            take = query.Limit + 1,
            callerAgencyId = caller.AgencyId,
            callerCountry = caller.CountryCode,
        }, cancellationToken: ct))).AsList();

        var hasMore = rows.Count > query.Limit;
        if (hasMore)
        {
            rows.RemoveAt(rows.Count - 1);
        }
        var items = await ToResponsesAsync(connection, null, rows, ct);
        return new FirearmPage(items, hasMore ? Cursor.Encode(rows[^1].Id) : null);
    }

    public async Task<CreateOutcome> CreateAsync(FirearmRequest request, Caller caller, CancellationToken ct)
    {
        var record = Prepare(request, caller.AgencyId);
        await using var connection = await db.OpenAsync(ct);
        for (var attempt = 0; ; attempt++)
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            var existing = await FindLiveByExternalIdAsync(connection, tx, caller.AgencyId, record.ExternalId, ct);
            if (existing is not null)
            {
                // A resent record is not duplicated: the same content answers with the stored record.
                if (existing.ContentHash == record.ContentHash)
                {
                    var same = await GetAsync(connection, tx, existing.Id, caller, ct);
                    return new CreateOutcome.AlreadyExists(same!);
                }
                return new CreateOutcome.ExternalIdTaken(existing.Id);
            }

            try
            {
                var inserted = await connection.QuerySingleAsync<IdVersion>(new CommandDefinition(db.Sql(FirearmSql.Insert), record, tx, cancellationToken: ct));
                record.Id = inserted.Id;
                await WriteVisibilityAsync(connection, tx, record, ct);
                await NotifyAsync(new FirearmChange(connection, tx, record.Id, FirearmChangeKind.Created, record, record.Now), ct);
                var saved = await GetAsync(connection, tx, record.Id, caller, ct);
                await tx.CommitAsync(ct);
                return new CreateOutcome.Created(saved!);
            }
            catch (DbException e) when (attempt == 0 && DatabaseErrors.IsUniqueViolation(e))
            {
                // Another writer inserted the same external id between our check and our insert: look again.
                await tx.RollbackAsync(ct);
            }
        }
    }

    /// <summary>Replaces the record if <paramref name="precondition"/> accepts its current version (the If-Match check).</summary>
    public async Task<UpdateOutcome> UpdateAsync(long id, Func<long, bool> precondition, FirearmRequest request, Caller caller, CancellationToken ct)
    {
        var record = Prepare(request, caller.AgencyId);
        record.Id = id;
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var current = await GetAsync(connection, tx, id, caller, ct);
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
        var clash = await FindLiveByExternalIdAsync(connection, tx, caller.AgencyId, record.ExternalId, ct);
        if (clash is not null && clash.Id != id)
        {
            return new UpdateOutcome.ExternalIdTaken(clash.Id);
        }

        long? version;
        try
        {
            version = await connection.QuerySingleOrDefaultAsync<long?>(new CommandDefinition(db.Sql(FirearmSql.Update), record, tx, cancellationToken: ct));
        }
        catch (DbException e) when (DatabaseErrors.IsUniqueViolation(e))
        {
            // A concurrent create took the new external id after our check.
            await tx.RollbackAsync(ct);
            var taken = await FindLiveByExternalIdAsync(connection, null, caller.AgencyId, record.ExternalId, ct);
            return new UpdateOutcome.ExternalIdTaken(taken?.Id ?? 0);
        }
        if (version is null)
        {
            return new UpdateOutcome.Stale();
        }
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(FirearmSql.DeleteVisibility), new { id }, tx, cancellationToken: ct));
        await WriteVisibilityAsync(connection, tx, record, ct);
        await NotifyAsync(new FirearmChange(connection, tx, id, FirearmChangeKind.Updated, record, record.Now), ct);
        var saved = await GetAsync(connection, tx, id, caller, ct);
        await tx.CommitAsync(ct);
        return new UpdateOutcome.Updated(saved!);
    }

    public enum WithdrawOutcome { Withdrawn, NotFound, NotOwner }

    public async Task<WithdrawOutcome> WithdrawAsync(long id, Caller caller, CancellationToken ct)
    {
        await using var connection = await db.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var current = await GetAsync(connection, tx, id, caller, ct);
        if (current is null)
        {
            return WithdrawOutcome.NotFound;
        }
        if (current.Record.OwnerAgency != caller.AgencyCode)
        {
            return WithdrawOutcome.NotOwner;
        }
        var now = clock.GetUtcNow();
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(FirearmSql.Withdraw), new { id, now }, tx, cancellationToken: ct));
        await NotifyAsync(new FirearmChange(connection, tx, id, FirearmChangeKind.Withdrawn, null, now), ct);
        await tx.CommitAsync(ct);
        return WithdrawOutcome.Withdrawn;
    }

    /// <summary>Builds full responses for rows, fetching the country lists of restricted records in one query.</summary>
    public async Task<IReadOnlyList<FirearmResponse>> ToResponsesAsync(DbConnection connection, DbTransaction? tx, IReadOnlyList<FirearmRow> rows, CancellationToken ct)
    {
        var restricted = rows.Where(r => r.VisibilityScope != "all").Select(r => r.Id).ToArray();
        ILookup<long, string> countries = Array.Empty<VisibilityRow>().ToLookup(v => v.FirearmId, v => v.CountryCode);
        if (restricted.Length > 0)
        {
            var visibility = await connection.QueryAsync<VisibilityRow>(new CommandDefinition(
                db.Sql(FirearmSql.SelectVisibilityCountries), new { ids = restricted }, tx, cancellationToken: ct));
            countries = visibility.ToLookup(v => v.FirearmId, v => v.CountryCode);
        }
        return rows.Select(r => ToResponse(r, countries[r.Id].ToList())).ToList();
    }

    /// <summary>The visible live records among <paramref name="ids"/>, in no particular order.</summary>
    public static Task<List<FirearmRow>> LoadVisibleAsync(SqlSession session, IEnumerable<long> ids, Caller caller) =>
        session.QueryAsync<FirearmRow>(FirearmSql.SelectVisibleByIds,
            new { ids = SqlList.Of(ids), callerAgencyId = caller.AgencyId, callerCountry = caller.CountryCode });

    /// <summary>Builds full responses for rows, fetching the country lists of restricted records in one query.</summary>
    public static async Task<IReadOnlyList<FirearmResponse>> ToResponsesAsync(SqlSession session, IReadOnlyList<FirearmRow> rows)
    {
        var restricted = rows.Where(r => r.VisibilityScope != "all").Select(r => r.Id).ToArray();
        var countries = (restricted.Length == 0 ? [] : await session.QueryAsync<VisibilityRow>(FirearmSql.SelectCountriesOf, new { ids = SqlList.Of(restricted) }))
            .ToLookup(v => v.FirearmId, v => v.CountryCode);
        return rows.Select(r => ToResponse(r, countries[r.Id].ToList())).ToList();
    }

    private static FirearmResponse ToResponse(FirearmRow r, IReadOnlyList<string> countries) => new(
        r.Id, r.OwnerAgency, r.ExternalId, r.SerialNumber, r.NormalizedSerial,
        JsonSerializer.Deserialize<List<OtherSerial>>(r.OtherSerials, Json) ?? [],
        r.Make, r.Model, r.Calibre, r.Type, r.CanonicalMake, r.CanonicalCalibre, r.CountryOfManufacture,
        r.YearOfManufacture, r.ImportMarking, r.Status, r.EventDate, r.EventCountryCode, r.EventPlace,
        r.CaseReference, r.ObliteratedSerial,
        new Visibility(r.VisibilityScope, r.VisibilityScope == "all" ? null : countries),
        r.Notes,
        DataQuality.Assess(new DataQualityInput(
            r.SerialNumber, r.Make, r.CanonicalMake is not null, r.Model, r.Calibre, r.CanonicalCalibre is not null,
            r.CountryOfManufacture, r.YearOfManufacture, r.ObliteratedSerial)),
        r.CreatedAt, r.UpdatedAt);

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
            OtherSerials = JsonSerializer.Serialize(otherSerials, Json),
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
            ContentHash = Convert.ToHexString(SHA256.HashData(JsonSerializer.SerializeToUtf8Bytes(request, Json))),
            Now = clock.GetUtcNow(),
        };
    }

    private async Task<FirearmRow?> FindLiveByExternalIdAsync(DbConnection connection, DbTransaction? tx, long ownerAgencyId, string externalId, CancellationToken ct) =>
        await connection.QuerySingleOrDefaultAsync<FirearmRow>(new CommandDefinition(
            db.Sql(FirearmSql.SelectLiveByExternalId), new { ownerAgencyId, externalId }, tx, cancellationToken: ct));

    private async Task WriteVisibilityAsync(DbConnection connection, DbTransaction tx, StoredFirearm record, CancellationToken ct)
    {
        if (record.VisibilityCountries.Count == 0)
        {
            return;
        }
        var rows = record.VisibilityCountries.Select(c => new { FirearmId = record.Id, CountryCode = c });
        await connection.ExecuteAsync(new CommandDefinition(db.Sql(FirearmSql.InsertVisibility), rows, tx, cancellationToken: ct));
    }

    private async Task NotifyAsync(FirearmChange change, CancellationToken ct)
    {
        foreach (var listener in listeners)
        {
            await listener.OnChangedAsync(change, ct);
        }
    }

    private sealed class IdVersion
    {
        public long Id { get; set; }
        public long Version { get; set; }
    }

    private sealed class VisibilityRow
    {
        public long FirearmId { get; set; }
        public string CountryCode { get; set; } = "";
    }
}

/// <summary>Maps free-text make and calibre to the reference table's canonical names (null when unknown).</summary>
public interface IFirearmCanonicalizer
{
    string? CanonicalMake(string? make);
    string? CanonicalCalibre(string? calibre);
}

/// <summary>Filters and position of one page of <c>GET /firearms</c>.</summary>
public sealed record FirearmListQuery(string? Status, string? Type, string? CountryCode, string? Make, DateTimeOffset? UpdatedSince, long AfterId, int Limit);
