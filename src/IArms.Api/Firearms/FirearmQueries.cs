using System.Text.Json;
using IArms.Api.Agencies;
using IArms.Api.Data;
using IArms.Api.Infrastructure;
using IArms.Core.Reference;

namespace IArms.Api.Firearms;

/// <summary>
/// All of the firearm table's SQL, with the reads of the record routes. The visibility rule and the record
/// reads are shared with the features that read records (search, tracing); the writes run inside
/// <see cref="FirearmService"/>'s transactions.
/// </summary>
public sealed class FirearmQueries(Db db, IFirearmCanonicalizer canonicalizer)
{
    /// <summary>The JSON of the <c>other_serials</c> column (and of request bodies kept in the audit log).</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The visibility rule, for a query over <c>firearm f</c> with parameters <c>@callerAgencyId</c> and
    /// <c>@callerCountry</c>: public records, the caller's own, and restricted ones naming the caller's country.
    /// </summary>
    public const string VisibleTo = """
        (f.visibility_scope = 'all' OR f.owner_agency_id = @callerAgencyId
         OR EXISTS (SELECT 1 FROM firearm_visibility v WHERE v.firearm_id = f.id AND v.country_code = @callerCountry))
        """;

    /// <summary>
    /// The same rule over <c>firearm_serial s</c>, which carries a copy of its record's owner and scope so that the
    /// search's candidate lookups decide a public record from the index entry alone. Change both together.
    /// </summary>
    public const string SerialVisibleTo = """
        (s.visibility_scope = 'all' OR s.owner_agency_id = @callerAgencyId
         OR EXISTS (SELECT 1 FROM firearm_visibility v WHERE v.firearm_id = s.firearm_id AND v.country_code = @callerCountry))
        """;

    private const string Columns = """
        f.id, f.owner_agency_id, a.code AS owner_agency, f.external_id, f.serial_number, f.normalized_serial,
        f.other_serials, f.make, f.model, f.calibre, f.type, f.canonical_make, f.canonical_calibre,
        f.country_of_manufacture, f.year_of_manufacture, f.import_marking, f.status, f.event_date,
        f.event_country_code, f.event_place, f.case_reference, f.obliterated_serial, f.visibility_scope, f.notes,
        f.content_hash, f.created_at, f.updated_at, f.withdrawn_at
        """;

    /// <summary><c>SELECT</c> of a full <see cref="FirearmRow"/> from <c>firearm f JOIN agency a</c>, <c>f</c> optionally read through an index.</summary>
    private static string Select(ISqlDialect d, string? index = null) =>
        $"SELECT {Columns}, {d.RowVersion("f")} AS version FROM {(index is null ? "firearm f" : d.WithIndex("firearm", "f", index))} JOIN agency a ON a.id = f.owner_agency_id";

    private static readonly Sql SelectVisibleById = new(d => $"{Select(d)} WHERE f.id = @id AND f.withdrawn_at IS NULL AND {VisibleTo}");

    private static readonly Sql SelectLiveByExternalId = new(d =>
        $"{Select(d)} WHERE f.owner_agency_id = @ownerAgencyId AND f.external_id = @externalId AND f.withdrawn_at IS NULL");

    /// <summary>The agency's live records among the external ids <c>@externalIds</c> (a <see cref="SqlList"/>): an import chunk's lookup.</summary>
    private static readonly Sql SelectLiveByExternalIds = new(d => $"""
        SELECT f.id, f.external_id, f.content_hash, {d.RowVersion("f")} AS version FROM firearm f
        WHERE f.owner_agency_id = @ownerAgencyId AND f.external_id IN {d.TextList("@externalIds")} AND f.withdrawn_at IS NULL
        """);

    /// <summary>The visible live records among <c>@ids</c> (a <see cref="SqlList"/>), for the search.</summary>
    private static readonly Sql SelectVisibleByIds = new(d =>
        $"{Select(d)} WHERE f.id IN {d.IdList("@ids")} AND f.withdrawn_at IS NULL AND {VisibleTo}");

    /// <summary>The countries of the restricted records among <c>@ids</c> (a <see cref="SqlList"/>).</summary>
    private static readonly Sql SelectCountriesOf = new(d =>
        $"SELECT firearm_id, country_code FROM firearm_visibility WHERE firearm_id IN {d.IdList("@ids")} ORDER BY country_code");

    /// <summary>The filters of <c>GET /firearms</c>; a page statement names only those given.</summary>
    [Flags]
    public enum ListFilters
    {
        None = 0,
        Status = 1,
        Type = 2,
        Country = 4,
        Make = 8,
        UpdatedSince = 16,

        /// <summary>With <see cref="UpdatedSince"/>: read the records changed since then from their index and sort them.</summary>
        FromUpdatedIndex = 32,

        /// <summary>
        /// With <see cref="Make"/>: the reference table does not know the make, so records are matched by its
        /// lower-cased text (<c>ix_firearm_make_lower</c>) rather than by its canonical name (<c>ix_firearm_canonical_make</c>).
        /// </summary>
        MakeUnresolved = 64,

        /// <summary>Only the caller's own record with <c>@externalId</c> (read through <c>ux_firearm_external</c>).</summary>
        ExternalId = 128,

        /// <summary>With <see cref="UpdatedSince"/>: withdrawn records too, so the list can answer their tombstones.</summary>
        Withdrawn = 256,
    }

    /// <summary>
    /// One page statement per combination of filters, each naming only the filters given: an
    /// <c>(@x IS NULL OR ...)</c> term would keep SQLite off the filter's index (its plan cannot depend on
    /// a parameter's value), so that a selective filter would scan the whole table at national scale.
    /// </summary>
    public static readonly Sql[] SelectPages = [.. Enumerable.Range(0, 512).Select(i => BuildPage((ListFilters)i))];

    /// <summary>
    /// How many records changed since <c>@updatedSince</c>, counted up to <c>@limit</c>: few, and the page is read
    /// from <c>ix_firearm_updated</c> (<see cref="ListFilters.FromUpdatedIndex"/>); many, and walking the table in
    /// id order finds a page sooner. SQLite cannot tell the two apart from a parameter, so the service asks first.
    /// </summary>
    private static readonly Sql CountUpdatedSince = new(d =>
        $"SELECT COUNT(*) FROM (SELECT {d.Top("@limit")} 1 AS one FROM firearm WHERE updated_at >= @updatedSince {d.Limit("@limit")}) t");

    public static Sql SelectPage(ListFilters filters) => SelectPages[(int)filters];

    private static Sql BuildPage(ListFilters filters)
    {
        var where = new System.Text.StringBuilder(filters.HasFlag(ListFilters.Withdrawn) && filters.HasFlag(ListFilters.UpdatedSince)
            ? " WHERE f.id > @afterId"
            : " WHERE f.withdrawn_at IS NULL AND f.id > @afterId");
        if (filters.HasFlag(ListFilters.ExternalId))
        {
            where.Append(" AND f.owner_agency_id = @callerAgencyId AND f.external_id = @externalId");
        }
        if (filters.HasFlag(ListFilters.Status))
        {
            where.Append(" AND f.status = @status");
        }
        if (filters.HasFlag(ListFilters.Type))
        {
            where.Append(" AND f.type = @type");
        }
        if (filters.HasFlag(ListFilters.Country))
        {
            where.Append(" AND f.event_country_code = @countryCode");
        }
        if (filters.HasFlag(ListFilters.Make))
        {
            // One indexed term in id order, not an OR of two, which SQLite answers by reading every record of the
            // make and sorting them. A make the reference table knows is matched by its canonical name, which every
            // spelling of it resolves to (records are re-resolved when the table changes); another by its text.
            where.Append(filters.HasFlag(ListFilters.MakeUnresolved) ? " AND LOWER(f.make) = @make" : " AND f.canonical_make = @canonicalMake");
        }
        if (filters.HasFlag(ListFilters.UpdatedSince))
        {
            where.Append(" AND f.updated_at >= @updatedSince");
        }
        where.Append(" AND ").Append(VisibleTo);
        var index = filters.HasFlag(ListFilters.FromUpdatedIndex) && filters.HasFlag(ListFilters.UpdatedSince) ? "ix_firearm_updated" : null;
        return new Sql(d => Select(d, index).Replace("SELECT ", $"SELECT {d.Top("@take")} ", StringComparison.Ordinal)
            + where + $" ORDER BY f.id {d.Limit("@take")}");
    }

    private static readonly Sql Insert = new(d => d.InsertReturningIdAndVersion(
        """
        INSERT INTO firearm
        (owner_agency_id, external_id, serial_number, normalized_serial, canonical_serial, other_serials,
         make, model, calibre, type, canonical_make, canonical_calibre, country_of_manufacture, year_of_manufacture,
         import_marking, status, event_date, event_country_code, event_place, case_reference, obliterated_serial,
         visibility_scope, notes, content_hash, created_at, updated_at)
        """,
        """
        VALUES
        (@OwnerAgencyId, @ExternalId, @SerialNumber, @NormalizedSerial, @CanonicalSerial, @OtherSerials,
         @Make, @Model, @Calibre, @Type, @CanonicalMake, @CanonicalCalibre, @CountryOfManufacture, @YearOfManufacture,
         @ImportMarking, @Status, @EventDate, @EventCountryCode, @EventPlace, @CaseReference, @ObliteratedSerial,
         @VisibilityScope, @Notes, @ContentHash, @Now, @Now)
        """));

    /// <summary>Replaces a record only if it is still at the version the writer read (optimistic concurrency).</summary>
    private static readonly Sql Update = new(d => d.UpdateReturningVersion(
        "firearm",
        """
        SET external_id = @ExternalId, serial_number = @SerialNumber, normalized_serial = @NormalizedSerial,
            canonical_serial = @CanonicalSerial, other_serials = @OtherSerials, make = @Make, model = @Model,
            calibre = @Calibre, type = @Type, canonical_make = @CanonicalMake, canonical_calibre = @CanonicalCalibre,
            country_of_manufacture = @CountryOfManufacture, year_of_manufacture = @YearOfManufacture,
            import_marking = @ImportMarking, status = @Status, event_date = @EventDate,
            event_country_code = @EventCountryCode, event_place = @EventPlace, case_reference = @CaseReference,
            obliterated_serial = @ObliteratedSerial, visibility_scope = @VisibilityScope, notes = @Notes,
            content_hash = @ContentHash, updated_at = @Now
        """,
        $"id = @Id AND {d.RowVersionIs("", "@ExpectedVersion")} AND withdrawn_at IS NULL",
        "@Id"));

    private static readonly Sql CountRecords = new(d => $"SELECT COUNT(*) FROM (SELECT {d.Top("1")} 1 AS one FROM firearm {d.Limit("1")}) t");

    /// <summary>Withdraws a record only if it is still at the version the writer read (If-Match on DELETE).</summary>
    private static readonly Sql Withdraw = new(d =>
        $"UPDATE firearm SET withdrawn_at = @now, updated_at = @now WHERE id = @id AND withdrawn_at IS NULL AND {d.RowVersionIs("", "@version")}");

    private static readonly Sql DeleteVisibility = new("DELETE FROM firearm_visibility WHERE firearm_id = @id");

    private static readonly Sql InsertVisibility = new("INSERT INTO firearm_visibility (firearm_id, country_code) VALUES (@FirearmId, @CountryCode)");

    /// <summary>Up to this many records changed since <c>updatedSince</c>, a page is read from the change index.</summary>
    private const int RecentChangesLimit = 5000;

    // ---- reads of the record routes, each on a session of its own ----

    public async Task<FirearmService.Saved?> GetAsync(long id, Caller caller, CancellationToken ct)
    {
        // The primary: a client that has just written must read its own write (and its new ETag).
        await using var session = await db.PrimaryAsync(ct);
        return await GetAsync(session, id, caller);
    }

    public async Task<FirearmPage> ListAsync(FirearmListQuery query, Caller caller, CancellationToken ct)
    {
        await using var session = await db.ReadAsync(ct);
        var page = await PageAsync(session, query, caller);
        return new FirearmPage(page.Items, page.Last is { } id ? Cursor.Encode(id) : null) { Withdrawn = page.Withdrawn };
    }

    /// <summary>One page of the list: its live records, its tombstones (when asked for), and the last id when more follow.</summary>
    public sealed record PageRows(IReadOnlyList<FirearmResponse> Items, IReadOnlyList<WithdrawnFirearm> Withdrawn, long? Last);

    /// <summary>One page of the list on <paramref name="session"/>.</summary>
    public async Task<PageRows> PageAsync(SqlSession session, FirearmListQuery query, Caller caller)
    {
        var page = await PageRowsAsync(session, query, caller);
        return new PageRows(await ToResponsesAsync(session, page.Live), page.Withdrawn, page.Last);
    }

    /// <summary>One page of the list as stored rows: its live records, its tombstones (when asked for), and the last id when more follow.</summary>
    public sealed record StoredPage(List<FirearmRow> Live, IReadOnlyList<WithdrawnFirearm> Withdrawn, long? Last);

    /// <summary>One page of the list's rows on <paramref name="session"/> (an export reads every page in one snapshot).</summary>
    public async Task<StoredPage> PageRowsAsync(SqlSession session, FirearmListQuery query, Caller caller)
    {
        var filters = (query.Status is null ? 0 : ListFilters.Status)
            | (query.Type is null ? 0 : ListFilters.Type)
            | (query.CountryCode is null ? 0 : ListFilters.Country)
            | (query.Make is null ? 0 : ListFilters.Make)
            | (query.Make is not null && canonicalizer.CanonicalMake(query.Make) is null ? ListFilters.MakeUnresolved : 0)
            | (query.UpdatedSince is null ? 0 : ListFilters.UpdatedSince)
            | (query.ExternalId is null ? 0 : ListFilters.ExternalId)
            | (query.IncludeWithdrawn && query.UpdatedSince is not null ? ListFilters.Withdrawn : 0);
        if (query.UpdatedSince is { } since
            && await session.QuerySingleAsync<long>(CountUpdatedSince, new { updatedSince = since.ToUniversalTime(), limit = RecentChangesLimit }) < RecentChangesLimit)
        {
            filters |= ListFilters.FromUpdatedIndex;
        }
        var rows = await session.QueryAsync<FirearmRow>(SelectPage(filters), new
        {
            afterId = query.AfterId,
            status = query.Status,
            type = query.Type,
            countryCode = query.CountryCode,
            make = query.Make?.Trim().ToLowerInvariant(),
            canonicalMake = query.Make is null ? null : canonicalizer.CanonicalMake(query.Make),
            updatedSince = query.UpdatedSince?.ToUniversalTime(),
            externalId = query.ExternalId,
            take = query.Limit + 1,
            callerAgencyId = caller.AgencyId,
            callerCountry = caller.CountryCode,
        });

        var hasMore = rows.Count > query.Limit;
        if (hasMore)
        {
            rows.RemoveAt(rows.Count - 1);
        }
        // One keyset over both: a tombstone takes its place in id order, so the same cursor pages through both lists.
        var live = rows.Where(r => r.WithdrawnAt is null).ToList();
        var withdrawn = rows.Where(r => r.WithdrawnAt is not null)
            .Select(r => new WithdrawnFirearm(r.Id, r.ExternalId, r.WithdrawnAt!.Value)).ToList();
        return new StoredPage(live, withdrawn, hasMore ? rows[^1].Id : null);
    }

    /// <summary>True once any record exists, withdrawn or not (demo data goes only into an empty database).</summary>
    public async Task<bool> AnyAsync(CancellationToken ct)
    {
        await using var session = await db.PrimaryAsync(ct);
        return await session.QuerySingleAsync<long>(CountRecords) > 0;
    }

    // ---- statements run inside another session ----

    public static async Task<FirearmService.Saved?> GetAsync(SqlSession session, long id, Caller caller)
    {
        var row = await session.QuerySingleOrDefaultAsync<FirearmRow>(SelectVisibleById,
            new { id, callerAgencyId = caller.AgencyId, callerCountry = caller.CountryCode });
        return row is null ? null : new FirearmService.Saved((await ToResponsesAsync(session, [row]))[0], row.Version);
    }

    /// <summary>The visible live records among <paramref name="ids"/>, in no particular order.</summary>
    public static Task<List<FirearmRow>> LoadVisibleAsync(SqlSession session, IEnumerable<long> ids, Caller caller) =>
        session.QueryAsync<FirearmRow>(SelectVisibleByIds,
            new { ids = SqlList.Of(ids), callerAgencyId = caller.AgencyId, callerCountry = caller.CountryCode });

    public static Task<FirearmRow?> FindLiveByExternalIdAsync(SqlSession session, long ownerAgencyId, string externalId) =>
        session.QuerySingleOrDefaultAsync<FirearmRow>(SelectLiveByExternalId, new { ownerAgencyId, externalId });

    /// <summary>The agency's live records with these external ids, by external id (an import chunk's one lookup).</summary>
    public static async Task<Dictionary<string, StoredVersion>> FindLiveByExternalIdsAsync(SqlSession session, long ownerAgencyId, IEnumerable<string> externalIds) =>
        (await session.QueryAsync<StoredVersion>(SelectLiveByExternalIds, new { ownerAgencyId, externalIds = SqlList.Of(externalIds) }))
            .ToDictionary(r => r.ExternalId, StringComparer.Ordinal);

    public static Task<IdVersion> InsertAsync(SqlSession session, StoredFirearm record) =>
        session.QuerySingleAsync<IdVersion>(Insert, record);

    /// <summary>The record's new version, or null when it was not at <see cref="StoredFirearm.ExpectedVersion"/> any more.</summary>
    public static Task<long?> UpdateAsync(SqlSession session, StoredFirearm record) =>
        session.QuerySingleOrDefaultAsync<long?>(Update, record);

    /// <summary>True when the record was withdrawn; false when it was not at <paramref name="version"/> any more.</summary>
    public static async Task<bool> WithdrawAsync(SqlSession session, long id, long version, DateTimeOffset now) =>
        await session.ExecuteAsync(Withdraw, new { id, version, now }) == 1;

    /// <summary>Replaces the record's country list (restricted visibility).</summary>
    public static async Task WriteVisibilityAsync(SqlSession session, StoredFirearm record, bool replacing)
    {
        if (replacing)
        {
            await session.ExecuteAsync(DeleteVisibility, new { id = record.Id });
        }
        await session.ExecuteAsync(InsertVisibility, record.VisibilityCountries.Select(c => new { FirearmId = record.Id, CountryCode = c }));
    }

    /// <summary>Builds full responses for rows, fetching the country lists of restricted records in one query.</summary>
    public static async Task<IReadOnlyList<FirearmResponse>> ToResponsesAsync(SqlSession session, IReadOnlyList<FirearmRow> rows)
    {
        var countries = await CountriesOfAsync(session, rows);
        return rows.Select(r => ToResponse(r, countries[r.Id].ToList())).ToList();
    }

    /// <summary>The country lists of the restricted records among <paramref name="rows"/>: one query, none when all are public.</summary>
    private static async Task<ILookup<long, string>> CountriesOfAsync(SqlSession session, IReadOnlyList<FirearmRow> rows)
    {
        var restricted = rows.Where(r => r.VisibilityScope != "all").Select(r => r.Id).ToArray();
        return (restricted.Length == 0 ? [] : await session.QueryAsync<VisibilityRow>(SelectCountriesOf, new { ids = SqlList.Of(restricted) }))
            .ToLookup(v => v.FirearmId, v => v.CountryCode);
    }

    private static List<OtherSerial> OtherSerialsOf(FirearmRow r) => JsonSerializer.Deserialize<List<OtherSerial>>(r.OtherSerials, Json) ?? [];

    private static Visibility VisibilityOf(FirearmColumns r, IReadOnlyList<string> countries) => new(r.VisibilityScope, r.VisibilityScope == "all" ? null : countries);

    private static FirearmResponse ToResponse(FirearmRow r, IReadOnlyList<string> countries) => ToResponse(
        r, r.OwnerAgency, OtherSerialsOf(r), countries, r.CreatedAt, r.UpdatedAt);

    /// <summary>
    /// The answer for a record just inserted, from the values written: what a read of it would answer (the country
    /// list in the order the read gives it), without reading it back inside the writer's turn.
    /// </summary>
    public static FirearmResponse WrittenResponse(StoredFirearm r, string ownerAgency) => ToResponse(
        r, ownerAgency, r.OtherSerialList, [.. r.VisibilityCountries.Order(StringComparer.Ordinal)], r.Now, r.Now);

    private static FirearmResponse ToResponse(FirearmColumns r, string ownerAgency, IReadOnlyList<OtherSerial> otherSerials,
        IReadOnlyList<string> countries, DateTimeOffset createdAt, DateTimeOffset updatedAt) => new(
        r.Id, ownerAgency, r.ExternalId, r.SerialNumber, r.NormalizedSerial,
        otherSerials,
        r.Make, r.Model, r.Calibre, r.Type, r.CanonicalMake, r.CanonicalCalibre, r.CountryOfManufacture,
        r.YearOfManufacture, r.ImportMarking, r.Status, r.EventDate, r.EventCountryCode, r.EventPlace,
        r.CaseReference, r.ObliteratedSerial,
        VisibilityOf(r, countries),
        r.Notes,
        DataQuality.Assess(new DataQualityInput(
            r.SerialNumber, r.Make, r.CanonicalMake is not null, r.Model, r.Calibre, r.CanonicalCalibre is not null,
            r.CountryOfManufacture, r.YearOfManufacture, r.ObliteratedSerial)),
        createdAt, updatedAt);

    public sealed class IdVersion
    {
        public long Id { get; set; }
        public long Version { get; set; }
    }

    /// <summary>What an upsert compares and checks of a stored record.</summary>
    public sealed class StoredVersion
    {
        public long Id { get; set; }
        public string ExternalId { get; set; } = "";
        public string ContentHash { get; set; } = "";
        public long Version { get; set; }
    }

    private sealed class VisibilityRow
    {
        public long FirearmId { get; set; }
        public string CountryCode { get; set; } = "";
    }
}

/// <summary>
/// The columns of a firearm record that are written and read alike. Classes with settable properties,
/// not positional records: Dapper cannot map SQLite's integers into a positional record's bool.
/// </summary>
public abstract class FirearmColumns
{
    public long Id { get; set; }
    public long OwnerAgencyId { get; set; }
    public string ExternalId { get; set; } = "";
    public string SerialNumber { get; set; } = "";
    public string NormalizedSerial { get; set; } = "";
    public string OtherSerials { get; set; } = "[]";
    public string Make { get; set; } = "";
    public string Model { get; set; } = "";
    public string Calibre { get; set; } = "";
    public string Type { get; set; } = "";
    public string? CanonicalMake { get; set; }
    public string? CanonicalCalibre { get; set; }
    public string? CountryOfManufacture { get; set; }
    public int? YearOfManufacture { get; set; }
    public string ImportMarking { get; set; } = "";
    public string Status { get; set; } = "";
    public DateOnly? EventDate { get; set; }
    public string? EventCountryCode { get; set; }
    public string EventPlace { get; set; } = "";
    public string CaseReference { get; set; } = "";
    public bool ObliteratedSerial { get; set; }
    public string VisibilityScope { get; set; } = "all";
    public string Notes { get; set; } = "";
    public string ContentHash { get; set; } = "";
}

/// <summary>A firearm row as the record reads of <see cref="FirearmQueries"/> read it.</summary>
public sealed class FirearmRow : FirearmColumns
{
    public string OwnerAgency { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? WithdrawnAt { get; set; }
    public long Version { get; set; }
}
