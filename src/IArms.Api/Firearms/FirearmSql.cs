using IArms.Api.Data;

namespace IArms.Api.Firearms;

/// <summary>The firearm table's SQL, shared by the record routes and the features that read records (search, tracing).</summary>
public static class FirearmSql
{
    /// <summary>
    /// The visibility rule, for a query over <c>firearm f</c> with parameters <c>@callerAgencyId</c> and
    /// <c>@callerCountry</c>: public records, the caller's own, and restricted ones naming the caller's country.
    /// </summary>
    public const string VisibleTo = """
        (f.visibility_scope = 'all' OR f.owner_agency_id = @callerAgencyId
         OR EXISTS (SELECT 1 FROM firearm_visibility v WHERE v.firearm_id = f.id AND v.country_code = @callerCountry))
        """;

    private const string Columns = """
        f.id AS Id, f.owner_agency_id AS OwnerAgencyId, a.code AS OwnerAgency, f.external_id AS ExternalId,
        f.serial_number AS SerialNumber, f.normalized_serial AS NormalizedSerial, f.other_serials AS OtherSerials,
        f.make AS Make, f.model AS Model, f.calibre AS Calibre, f.type AS Type,
        f.canonical_make AS CanonicalMake, f.canonical_calibre AS CanonicalCalibre,
        f.country_of_manufacture AS CountryOfManufacture, f.year_of_manufacture AS YearOfManufacture,
        f.import_marking AS ImportMarking, f.status AS Status, f.event_date AS EventDate,
        f.event_country_code AS EventCountryCode, f.event_place AS EventPlace, f.case_reference AS CaseReference,
        f.obliterated_serial AS ObliteratedSerial, f.visibility_scope AS VisibilityScope, f.notes AS Notes,
        f.content_hash AS ContentHash, f.created_at AS CreatedAt, f.updated_at AS UpdatedAt
        """;

    /// <summary><c>SELECT</c> of a full <see cref="FirearmRow"/> from <c>firearm f JOIN agency a</c>.</summary>
    public static readonly SqlText Select = new(
        $"SELECT {Columns}, f.version AS Version FROM firearm f JOIN agency a ON a.id = f.owner_agency_id",
        $"SELECT {Columns}, CAST(f.row_version AS BIGINT) AS Version FROM firearm f JOIN agency a ON a.id = f.owner_agency_id");

    private static string SelectFrom(ISqlDialect d) =>
        $"SELECT {Columns}, {d.RowVersion("f")} AS Version FROM firearm f JOIN agency a ON a.id = f.owner_agency_id";

    /// <summary>The visible live records among <c>@ids</c> (a <see cref="SqlList"/>), for the search.</summary>
    public static readonly Sql SelectVisibleByIds = new(d =>
        $"{SelectFrom(d)} WHERE f.id IN {d.IdList("@ids")} AND f.withdrawn_at IS NULL AND {VisibleTo}");

    /// <summary>The countries of the restricted records among <c>@ids</c> (a <see cref="SqlList"/>).</summary>
    public static readonly Sql SelectCountriesOf = new(d =>
        $"SELECT firearm_id, country_code FROM firearm_visibility WHERE firearm_id IN {d.IdList("@ids")} ORDER BY country_code");

    public static readonly SqlText SelectVisibleById = new(
        Select.Sqlite + " WHERE f.id = @id AND f.withdrawn_at IS NULL AND " + VisibleTo,
        Select.SqlServer + " WHERE f.id = @id AND f.withdrawn_at IS NULL AND " + VisibleTo);

    public static readonly SqlText SelectLiveByExternalId = new(
        Select.Sqlite + " WHERE f.owner_agency_id = @ownerAgencyId AND f.external_id = @externalId AND f.withdrawn_at IS NULL",
        Select.SqlServer + " WHERE f.owner_agency_id = @ownerAgencyId AND f.external_id = @externalId AND f.withdrawn_at IS NULL");

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
    }

    /// <summary>
    /// One page statement per combination of filters, each naming only the filters given: an
    /// <c>(@x IS NULL OR ...)</c> term would keep SQLite off the filter's index (its plan cannot depend on
    /// a parameter's value), so that a selective filter would scan the whole table at national scale.
    /// </summary>
    public static readonly SqlText[] SelectPages = [.. Enumerable.Range(0, 128).Select(i => BuildPage((ListFilters)i))];

    /// <summary>
    /// How many records changed since <c>@updatedSince</c>, counted up to <c>@limit</c>: few, and the page is read
    /// from <c>ix_firearm_updated</c> (<see cref="ListFilters.FromUpdatedIndex"/>); many, and walking the table in
    /// id order finds a page sooner. SQLite cannot tell the two apart from a parameter, so the service asks first.
    /// </summary>
    public static readonly SqlText CountUpdatedSince = new(
        "SELECT COUNT(*) FROM (SELECT 1 FROM firearm WHERE updated_at >= @updatedSince LIMIT @limit)",
        "SELECT COUNT(*) FROM (SELECT TOP (@limit) 1 AS one FROM firearm WHERE updated_at >= @updatedSince) t");

    public static SqlText SelectPage(ListFilters filters) => SelectPages[(int)filters];

    private static SqlText BuildPage(ListFilters filters)
    {
        var where = new System.Text.StringBuilder(" WHERE f.withdrawn_at IS NULL AND f.id > @afterId");
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
        var fromIndex = filters.HasFlag(ListFilters.FromUpdatedIndex) && filters.HasFlag(ListFilters.UpdatedSince);
        return new SqlText(
            (fromIndex ? Select.Sqlite.Replace("FROM firearm f ", "FROM firearm f INDEXED BY ix_firearm_updated ", StringComparison.Ordinal) : Select.Sqlite)
                + where + " ORDER BY f.id LIMIT @take",
            (fromIndex ? Select.SqlServer.Replace("FROM firearm f ", "FROM firearm f WITH (INDEX (ix_firearm_updated)) ", StringComparison.Ordinal) : Select.SqlServer)
                .Replace("SELECT ", "SELECT TOP (@take) ", StringComparison.Ordinal) + where + " ORDER BY f.id");
    }

    public static readonly SqlText SelectVisibilityCountries = SqlText.Same(
        "SELECT firearm_id AS FirearmId, country_code AS CountryCode FROM firearm_visibility WHERE firearm_id IN @ids ORDER BY country_code");

    private const string InsertColumns = """
        (owner_agency_id, external_id, serial_number, normalized_serial, canonical_serial, other_serials,
         make, model, calibre, type, canonical_make, canonical_calibre, country_of_manufacture, year_of_manufacture,
         import_marking, status, event_date, event_country_code, event_place, case_reference, obliterated_serial,
         visibility_scope, notes, content_hash, created_at, updated_at)
        """;

    private const string InsertValues = """
        (@OwnerAgencyId, @ExternalId, @SerialNumber, @NormalizedSerial, @CanonicalSerial, @OtherSerials,
         @Make, @Model, @Calibre, @Type, @CanonicalMake, @CanonicalCalibre, @CountryOfManufacture, @YearOfManufacture,
         @ImportMarking, @Status, @EventDate, @EventCountryCode, @EventPlace, @CaseReference, @ObliteratedSerial,
         @VisibilityScope, @Notes, @ContentHash, @Now, @Now)
        """;

    public static readonly SqlText Insert = new(
        $"INSERT INTO firearm {InsertColumns} VALUES {InsertValues} RETURNING id AS Id, version AS Version",
        // OUTPUT names bare columns into a table variable: SQL Server-compatible engines (Babelfish) refuse expressions there.
        $"""
        DECLARE @inserted TABLE (id BIGINT, row_version BINARY(8));
        INSERT INTO firearm {InsertColumns} OUTPUT INSERTED.id, INSERTED.row_version INTO @inserted VALUES {InsertValues};
        SELECT id AS Id, CAST(row_version AS BIGINT) AS Version FROM @inserted;
        """);

    private const string UpdateSet = """
        SET external_id = @ExternalId, serial_number = @SerialNumber, normalized_serial = @NormalizedSerial,
            canonical_serial = @CanonicalSerial, other_serials = @OtherSerials, make = @Make, model = @Model,
            calibre = @Calibre, type = @Type, canonical_make = @CanonicalMake, canonical_calibre = @CanonicalCalibre,
            country_of_manufacture = @CountryOfManufacture, year_of_manufacture = @YearOfManufacture,
            import_marking = @ImportMarking, status = @Status, event_date = @EventDate,
            event_country_code = @EventCountryCode, event_place = @EventPlace, case_reference = @CaseReference,
            obliterated_serial = @ObliteratedSerial, visibility_scope = @VisibilityScope, notes = @Notes,
            content_hash = @ContentHash, updated_at = @Now
        """;

    /// <summary>Replaces a record only if it is still at the version the writer read (optimistic concurrency).</summary>
    public static readonly SqlText Update = new(
        $"UPDATE firearm {UpdateSet}, version = version + 1 WHERE id = @Id AND version = @ExpectedVersion AND withdrawn_at IS NULL RETURNING version AS Version",
        $"""
        DECLARE @updated TABLE (row_version BINARY(8));
        UPDATE firearm {UpdateSet} OUTPUT INSERTED.row_version INTO @updated
        WHERE id = @Id AND row_version = CAST(@ExpectedVersion AS BINARY(8)) AND withdrawn_at IS NULL;
        SELECT CAST(row_version AS BIGINT) AS Version FROM @updated;
        """);

    public static readonly SqlText Withdraw = new(
        "UPDATE firearm SET withdrawn_at = @now, updated_at = @now, version = version + 1 WHERE id = @id AND withdrawn_at IS NULL",
        "UPDATE firearm SET withdrawn_at = @now, updated_at = @now WHERE id = @id AND withdrawn_at IS NULL");

    public static readonly SqlText DeleteVisibility = SqlText.Same("DELETE FROM firearm_visibility WHERE firearm_id = @id");

    public static readonly SqlText InsertVisibility = SqlText.Same(
        "INSERT INTO firearm_visibility (firearm_id, country_code) VALUES (@FirearmId, @CountryCode)");
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

/// <summary>A firearm row as read by <see cref="FirearmSql.Select"/>.</summary>
public sealed class FirearmRow : FirearmColumns
{
    public string OwnerAgency { get; set; } = "";
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public long Version { get; set; }
}
