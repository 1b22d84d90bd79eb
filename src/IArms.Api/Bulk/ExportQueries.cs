using IArms.Api.Agencies;
using IArms.Api.Data;
using IArms.Api.Firearms;

namespace IArms.Api.Bulk;

/// <summary>
/// The export's page statements. Each row comes back with its record as one JSON object in the import's fields, built by
/// the database: the service then reads three values per row instead of 27 columns, two or three calls into the engine
/// each, which were most of an export's CPU time. <see cref="ExportLines"/> writes the object as the NDJSON line or turns
/// it into the CSV row.
/// </summary>
/// <remarks>
/// The object holds what a JSON serialiser writes of the record as a <see cref="FirearmRequest"/> (the body that stored
/// it): the same fields in the same order, other serials as <c>location</c> and <c>value</c> only, the restricted
/// countries in code order. The two engines share no syntax for building JSON, so each engine's text is written whole
/// here rather than through dialect members only this statement would use. String escaping differs between the engines
/// and from the serialiser's; <see cref="ExportLines"/> settles it.
/// </remarks>
public static class ExportQueries
{
    /// <summary>The list filters an export takes; a page statement names only those given.</summary>
    [Flags]
    public enum Filters
    {
        None = 0,
        Status = 1,
        Type = 2,
        Country = 4,

        /// <summary>
        /// Only records changed since <c>updatedSince</c>, read in change order from <c>ix_firearm_updated</c>: an
        /// incremental export reads what changed, not the whole table.
        /// </summary>
        UpdatedSince = 8,

        /// <summary>Only the caller's own records (<c>owner=me</c>).</summary>
        Owner = 16,

        /// <summary>
        /// With <see cref="Owner"/>, when the caller owns few of the table's records: read them in external-id order from
        /// <c>ux_firearm_external</c>, one index range. Walking the table in id order instead read every record to keep a
        /// few (an agency holding 3 % of a million records exported at 3,000 rows/s), but where the caller owns much of
        /// the table that walk is the cheaper one: the index's order jumps about the table, a page read per record.
        /// </summary>
        FromOwnerIndex = 32,
    }

    /// <summary>
    /// Below one record in this many of the table, an owner's export reads its records from their index
    /// (<see cref="Filters.FromOwnerIndex"/>). Measured on the generated 1M file (docs/benchmarks.md): 3 % owned, SQLite
    /// spent 2.5 times as long on the table walk as on the index walk; 32 % owned, the service spent 5.3 ms of CPU per
    /// 1,000 rows on the index walk and 3.6 on the table walk.
    /// </summary>
    private const int OwnerIndexShare = 8;

    /// <summary>
    /// How many of the caller's live records there are, counted up to <c>@limit</c> from the unique index alone, and how
    /// large the table is (its highest id): which walk an owner's export takes. SQLite cannot tell from a parameter.
    /// </summary>
    private static readonly Sql CountOwned = new(d => $"""
        SELECT COUNT(*) FROM (SELECT {d.Top("@limit")} 1 AS one FROM firearm
        WHERE owner_agency_id = @callerAgencyId AND withdrawn_at IS NULL {d.Limit("@limit")}) t
        """);

    private static readonly Sql HighestId = new("SELECT COALESCE(MAX(id), 0) FROM firearm");

    /// <summary><paramref name="filters"/> with the walk an owner's export should take (<see cref="Filters.FromOwnerIndex"/> or not).</summary>
    public static async Task<Filters> ChooseWalkAsync(SqlSession session, Filters filters, Caller caller)
    {
        if (!filters.HasFlag(Filters.Owner))
        {
            return filters;
        }
        var limit = Math.Max(1, await session.QuerySingleAsync<long>(HighestId) / OwnerIndexShare);
        var owned = await session.QuerySingleAsync<long>(CountOwned, new { callerAgencyId = caller.AgencyId, limit });
        return owned < limit ? filters | Filters.FromOwnerIndex : filters;
    }

    /// <summary>One statement per combination of <see cref="Filters"/>, each answering the keys of a <see cref="Line"/> and its <c>value</c>.</summary>
    public static readonly Sql[] Pages = [.. Enumerable.Range(0, 64).Select(i => BuildPage((Filters)i))];

    /// <summary>One page row: the keys to continue after it, and its finished line.</summary>
    public sealed class Line
    {
        public long Id { get; set; }
        public string ExternalId { get; set; } = "";

        /// <summary>Read only by the statements that walk <c>ix_firearm_updated</c>.</summary>
        public DateTimeOffset UpdatedAt { get; set; }

        /// <summary>UTF-8 bytes on SQLite (the statement casts the text to a blob, so no string is made of it); text on SQL Server.</summary>
        public object Value { get; set; } = "";
    }

    /// <summary>The page after <paramref name="after"/> (null: the first), at most <paramref name="take"/> lines.</summary>
    public static Task<List<Line>> PageAsync(SqlSession session, Filters filters, ExportQuery query, Caller caller, Line? after, int take) =>
        session.QueryAsync<Line>(Pages[(int)filters], new
        {
            afterId = after?.Id ?? 0L,
            afterExternalId = after?.ExternalId ?? "",
            status = query.Status,
            type = query.Type,
            countryCode = query.CountryCode,
            updatedSince = query.UpdatedSince?.ToUniversalTime(),
            // A walk of the changes starts at updatedSince, and each next page where the last ended (ties broken by id).
            afterUpdatedAt = after?.UpdatedAt ?? query.UpdatedSince?.ToUniversalTime(),
            take,
            callerAgencyId = caller.AgencyId,
            callerCountry = caller.CountryCode,
        });

    // Three walks, each an index range in the order it pages by, never a sort (a sort would read every remaining row
    // again for each page): a small owner's records by external id, changes by (updated_at, id), and the rest by id.
    private static Sql BuildPage(Filters filters)
    {
        var owner = filters.HasFlag(Filters.Owner);
        var ownerIndex = owner && filters.HasFlag(Filters.FromOwnerIndex);
        var changes = !owner && filters.HasFlag(Filters.UpdatedSince);
        var where = new System.Text.StringBuilder(
            ownerIndex ? " WHERE f.owner_agency_id = @callerAgencyId AND f.withdrawn_at IS NULL AND f.external_id > @afterExternalId"
            : changes ? " WHERE f.withdrawn_at IS NULL AND f.updated_at >= @afterUpdatedAt AND (f.updated_at > @afterUpdatedAt OR f.id > @afterId)"
            : " WHERE f.withdrawn_at IS NULL AND f.id > @afterId");
        if (owner && !ownerIndex)
        {
            // The unary plus keeps SQLite off ux_firearm_external, which would read the owner's records and sort them
            // by id for every page.
            where.Append(" AND +f.owner_agency_id = @callerAgencyId");
        }
        if (filters.HasFlag(Filters.Status))
        {
            where.Append(" AND f.status = @status");
        }
        if (filters.HasFlag(Filters.Type))
        {
            where.Append(" AND f.type = @type");
        }
        if (filters.HasFlag(Filters.Country))
        {
            where.Append(" AND f.event_country_code = @countryCode");
        }
        if (owner && filters.HasFlag(Filters.UpdatedSince))
        {
            where.Append(" AND f.updated_at >= @updatedSince");
        }
        if (!owner)
        {
            where.Append(" AND ").Append(FirearmQueries.VisibleTo);
        }
        return new Sql(d =>
        {
            var line = d.Provider == DatabaseProvider.SqlServer ? SqlServerJson : $"CAST({SqliteJson} AS BLOB)";
            var (from, order) = ownerIndex ? (d.WithIndex("firearm", "f", "ux_firearm_external"), "f.external_id")
                : changes ? (d.WithIndex("firearm", "f", "ix_firearm_updated"), "f.updated_at, f.id")
                : ("firearm f", "f.id");
            return $"SELECT {d.Top("@take")} f.id, f.external_id,{(changes ? " f.updated_at," : "")} {line} AS value FROM {from}{where} ORDER BY {order} {d.Limit("@take")}";
        });
    }

    // ---- SQLite ----

    private const string SqliteJson = """
        json_object(
            'externalId', f.external_id, 'serialNumber', f.serial_number,
            'otherSerials', json(CASE WHEN f.other_serials = '[]' THEN '[]' ELSE
                (SELECT json_group_array(json_object('location', o.value ->> '$.location', 'value', o.value ->> '$.value') ORDER BY o.key)
                 FROM json_each(f.other_serials) o) END),
            'make', f.make, 'model', f.model, 'calibre', f.calibre, 'type', f.type,
            'countryOfManufacture', f.country_of_manufacture, 'yearOfManufacture', f.year_of_manufacture,
            'importMarking', f.import_marking, 'status', f.status, 'eventDate', f.event_date,
            'eventCountryCode', f.event_country_code, 'eventPlace', f.event_place, 'caseReference', f.case_reference,
            'obliteratedSerial', json(CASE WHEN f.obliterated_serial THEN 'true' ELSE 'false' END),
            'visibility', json_object('scope', f.visibility_scope, 'countries', json(CASE WHEN f.visibility_scope = 'all' THEN NULL ELSE
                (SELECT json_group_array(v.country_code ORDER BY v.country_code) FROM firearm_visibility v WHERE v.firearm_id = f.id) END)),
            'notes', f.notes)
        """;

    // ---- SQL Server (FOR JSON PATH; parsed by the ScriptDom tests, not run on the build machines) ----

    private const string SqlServerJson = """
        (SELECT f.external_id AS externalId, f.serial_number AS serialNumber,
            JSON_QUERY(ISNULL((SELECT JSON_VALUE(o.[value], '$.location') AS location, JSON_VALUE(o.[value], '$.value') AS [value]
                               FROM OPENJSON(f.other_serials) o ORDER BY CAST(o.[key] AS INT) FOR JSON PATH, INCLUDE_NULL_VALUES), '[]')) AS otherSerials,
            f.make AS make, f.model AS model, f.calibre AS calibre, f.type AS type,
            f.country_of_manufacture AS countryOfManufacture, f.year_of_manufacture AS yearOfManufacture,
            f.import_marking AS importMarking, f.status AS status, f.event_date AS eventDate,
            f.event_country_code AS eventCountryCode, f.event_place AS eventPlace, f.case_reference AS caseReference,
            f.obliterated_serial AS obliteratedSerial,
            f.visibility_scope AS [visibility.scope],
            JSON_QUERY(CASE WHEN f.visibility_scope = 'all' THEN NULL ELSE ISNULL(
                (SELECT '[' + STRING_AGG(CAST('"' + v.country_code + '"' AS NVARCHAR(MAX)), ',') WITHIN GROUP (ORDER BY v.country_code) + ']'
                 FROM firearm_visibility v WHERE v.firearm_id = f.id), '[]') END) AS [visibility.countries],
            f.notes AS notes
         FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES)
        """;
}

/// <summary>The filters of an export, as validated by its route.</summary>
public sealed record ExportQuery(string? Status, string? Type, string? CountryCode, DateTimeOffset? UpdatedSince);
