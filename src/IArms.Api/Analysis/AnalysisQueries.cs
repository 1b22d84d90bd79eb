using IArms.Api.Agencies;
using IArms.Api.Data;
using IArms.Api.Firearms;
using IArms.Core.Analysis;

namespace IArms.Api.Analysis;

/// <summary>
/// All of the analysis' SQL: the upkeep of the derived tables (run inside the writers' transactions by
/// <see cref="AnalysisIndex"/>) and the reads of the analysis routes. Every read applies the visibility rule before
/// anything is counted, so a record the caller may not see never changes a number: over the derived rows' copy of
/// their record (<see cref="DerivedVisibleTo"/>), or <see cref="FirearmQueries.VisibleTo"/> where <c>firearm</c>
/// itself is read. The aggregation itself is Core's where it needs more than a GROUP BY (medians, ranking, networks,
/// runs).
/// </summary>
/// <remarks>
/// Where a read joins <c>firearm f</c> (trends, firearm labels) it names the other table first and <c>CROSS JOIN
/// firearm f</c> with the join condition in <c>WHERE</c>: SQLite then walks the smaller table and looks each record up
/// by id, where with <c>JOIN ... ON</c> its planner chose to scan the whole firearm table. SQL Server plans the same
/// text as an inner join.
/// </remarks>
public sealed class AnalysisQueries(Db db)
{
    /// <summary>The make serial runs and the make filter compare: the reference table's name, else the make as recorded.</summary>
    public static string MakeKey(string? canonicalMake, string? make) =>
        string.IsNullOrWhiteSpace(canonicalMake) ? make?.Trim() ?? "" : canonicalMake.Trim();

    // ---- upkeep, inside the writer's transaction ----

    public static readonly Sql SelectFirearm = new("""
        SELECT id, owner_agency_id, visibility_scope, type, serial_number, make, canonical_make, model, status, event_date,
               event_country_code, event_place, case_reference, obliterated_serial
        FROM firearm WHERE id = @id AND withdrawn_at IS NULL
        """);

    /// <summary>The record's copy every derived row carries (<see cref="AnalysisIndex.DerivedRow"/>, migration 0027).</summary>
    private const string Copy = "owner_agency_id, visibility_scope, type, make, canonical_make";

    private const string CopyValues = "@OwnerAgencyId, @VisibilityScope, @Type, @Make, @CanonicalMake";

    // Each derived table: the firearm's rows, their removal, one row's insert (parameters named as the row's properties).

    public static readonly Sql SelectLegs = new(
        $"SELECT firearm_id, from_country, to_country, licensed, leg_date, {Copy} FROM firearm_route_leg WHERE firearm_id = @firearmId");

    public static readonly Sql DeleteLegs = new("DELETE FROM firearm_route_leg WHERE firearm_id = @firearmId");

    public static readonly Sql InsertLeg = new($"""
        INSERT INTO firearm_route_leg (firearm_id, from_country, to_country, licensed, leg_date, {Copy})
        VALUES (@FirearmId, @FromCountry, @ToCountry, @Licensed, @LegDate, {CopyValues})
        """);

    public static readonly Sql SelectDiversion = new($"""
        SELECT firearm_id, country_code, party_id, party_name, party_kind, party_country, reason, time_to_crime_days, diversion_date, {Copy}
        FROM firearm_diversion WHERE firearm_id = @firearmId
        """);

    public static readonly Sql DeleteDiversion = new("DELETE FROM firearm_diversion WHERE firearm_id = @firearmId");

    public static readonly Sql InsertDiversion = new($"""
        INSERT INTO firearm_diversion
        (firearm_id, country_code, party_id, party_name, party_kind, party_country, reason, time_to_crime_days, diversion_date, {Copy})
        VALUES (@FirearmId, @CountryCode, @PartyId, @PartyName, @PartyKind, @PartyCountry, @Reason, @TimeToCrimeDays, @DiversionDate, {CopyValues})
        """);

    public static readonly Sql SelectParties = new(
        $"SELECT firearm_id, party_id, name, kind, country_code, roles, diverted, {Copy} FROM firearm_party WHERE firearm_id = @firearmId");

    public static readonly Sql DeleteParties = new("DELETE FROM firearm_party WHERE firearm_id = @firearmId");

    public static readonly Sql InsertParty = new($"""
        INSERT INTO firearm_party (firearm_id, party_id, name, kind, country_code, roles, diverted, {Copy})
        VALUES (@FirearmId, @PartyId, @Name, @Kind, @CountryCode, @Roles, @Diverted, {CopyValues})
        """);

    public static readonly Sql SelectEdges = new(
        $"SELECT firearm_id, seq, party_id, event_type, event_date, {Copy} FROM firearm_party_edge WHERE firearm_id = @firearmId");

    public static readonly Sql DeleteEdges = new("DELETE FROM firearm_party_edge WHERE firearm_id = @firearmId");

    public static readonly Sql InsertEdge = new($"""
        INSERT INTO firearm_party_edge (firearm_id, seq, party_id, event_type, event_date, {Copy})
        VALUES (@FirearmId, @Seq, @PartyId, @EventType, @EventDate, {CopyValues})
        """);

    public static readonly Sql SelectShape = new($"""
        SELECT firearm_id, make_key, skeleton, number, model, serial_number, case_reference, place, country_code, event_date, {Copy}
        FROM firearm_serial_shape WHERE firearm_id = @firearmId
        """);

    public static readonly Sql DeleteShape = new("DELETE FROM firearm_serial_shape WHERE firearm_id = @firearmId");

    public static readonly Sql InsertShape = new($"""
        INSERT INTO firearm_serial_shape
        (firearm_id, make_key, skeleton, number, model, serial_number, case_reference, place, country_code, event_date, {Copy})
        VALUES (@FirearmId, @MakeKey, @Skeleton, @Number, @Model, @SerialNumber, @CaseReference, @Place, @CountryCode, @EventDate, {CopyValues})
        """);

    // ---- serial shapes' neighbour gaps (migration 0027) ----

    private const string SameGroup = "make_key = @MakeKey AND skeleton = @Skeleton";

    // The neighbour reads of the gap and run upkeep lock what they read on SQL Server (UPDLOCK, HOLDLOCK: the key range
    // up to the neighbour): under read-committed snapshot two writers inserting next to each other would otherwise each
    // miss the other's shape and both keep a gap or run that ignores it. One of them now waits, or is the deadlock
    // victim and answered 503 (transient). SQLite has one writer and no hint.
    /// <summary>
    /// The shape just before <c>(@Number, @FirearmId)</c> in its make and skeleton, in (number, id) order, leaving out
    /// <c>@ExcludeId</c> (-1 for none; the run upkeep leaves out a record's new shape, already written but not yet
    /// counted in the runs).
    /// </summary>
    public static readonly Sql SelectShapeBefore = new(d => $"""
        SELECT {d.Top("1")} firearm_id, make_key, skeleton, number FROM firearm_serial_shape {d.LockForWrite}
        WHERE {SameGroup} AND number <= @Number AND (number < @Number OR firearm_id < @FirearmId) AND firearm_id <> @ExcludeId
        ORDER BY number DESC, firearm_id DESC {d.Limit("1")}
        """);

    /// <summary>The shape just after <c>(@Number, @FirearmId)</c> in its make and skeleton, leaving out <c>@ExcludeId</c>.</summary>
    public static readonly Sql SelectShapeAfter = new(d => $"""
        SELECT {d.Top("1")} firearm_id, make_key, skeleton, number FROM firearm_serial_shape {d.LockForWrite}
        WHERE {SameGroup} AND number >= @Number AND (number > @Number OR firearm_id > @FirearmId) AND firearm_id <> @ExcludeId
        ORDER BY number, firearm_id {d.Limit("1")}
        """);

    public static readonly Sql SetNeighbourGap = new("UPDATE firearm_serial_shape SET neighbour_gap = @Gap WHERE firearm_id = @FirearmId");

    /// <summary>Every shape's neighbour gap from scratch (the rebuild; migration 0027 runs the same statement once).</summary>
    public static readonly Sql SetAllNeighbourGaps = new(d => $"""
        WITH w AS (
            SELECT firearm_id,
                   number - LAG(number) OVER (PARTITION BY make_key, skeleton ORDER BY number, firearm_id) AS back,
                   LEAD(number) OVER (PARTITION BY make_key, skeleton ORDER BY number, firearm_id) - number AS ahead
            FROM firearm_serial_shape
        )
        {d.UpdateFrom("firearm_serial_shape", "s", "w", "w.firearm_id = s.firearm_id",
            "neighbour_gap = CASE WHEN w.back IS NULL THEN w.ahead WHEN w.ahead IS NULL OR w.back <= w.ahead THEN w.back ELSE w.ahead END")}
        """);

    // ---- serial runs at the default maxGap (migration 0028), kept by SerialRunIndex beside the gaps ----

    private const string RunColumns = "make_key, skeleton, first_number, first_firearm_id, last_number, last_firearm_id, members, bound";

    /// <summary>The run starting at or before <c>(@Number, @FirearmId)</c>: the one holding that shape, if any holds it.</summary>
    public static readonly Sql SelectRunAt = new(d => $"""
        SELECT {d.Top("1")} {RunColumns} FROM firearm_serial_run {d.LockForWrite}
        WHERE {SameGroup} AND first_number <= @Number AND (first_number < @Number OR first_firearm_id <= @FirearmId)
        ORDER BY first_number DESC, first_firearm_id DESC {d.Limit("1")}
        """);

    /// <summary>The shapes of a make and skeleton from <c>(@FromNumber, @FromId)</c> to <c>(@ToNumber, @ToId)</c>, leaving out <c>@ExcludeId</c>.</summary>
    public static readonly Sql CountShapesBetween = new($"""
        SELECT COUNT(*) FROM firearm_serial_shape
        WHERE {SameGroup} AND number BETWEEN @FromNumber AND @ToNumber
          AND (number > @FromNumber OR firearm_id >= @FromId) AND (number < @ToNumber OR firearm_id <= @ToId) AND firearm_id <> @ExcludeId
        """);

    private const string RunIs = "make_key = @MakeKey AND skeleton = @Skeleton AND first_number = @FirstNumber AND first_firearm_id = @FirstFirearmId";

    public static readonly Sql InsertRun = new($"""
        INSERT INTO firearm_serial_run ({RunColumns})
        VALUES (@MakeKey, @Skeleton, @FirstNumber, @FirstFirearmId, @LastNumber, @LastFirearmId, @Members, @Bound)
        """);

    /// <summary>A run's end, size and bound; its start is its key.</summary>
    public static readonly Sql UpdateRun = new(
        $"UPDATE firearm_serial_run SET last_number = @LastNumber, last_firearm_id = @LastFirearmId, members = @Members, bound = @Bound WHERE {RunIs}");

    /// <summary>The numbers and models of a run's shapes in (number, firearm_id) order, leaving out <c>@ExcludeId</c> (its bound's input).</summary>
    public static readonly Sql SelectRunModels = new($"""
        SELECT number, model FROM firearm_serial_shape
        WHERE make_key = @MakeKey AND skeleton = @Skeleton AND number BETWEEN @FirstNumber AND @LastNumber AND firearm_id <> @ExcludeId
        ORDER BY number, firearm_id
        """);

    public static readonly Sql DeleteRun = new($"DELETE FROM firearm_serial_run WHERE {RunIs}");

    /// <summary><see cref="SerialRuns.BoundModelKey"/> in SQL: its separators dropped, then upper-cased (ASCII; what is left over is checked after).</summary>
    private const string BoundModelKeySql = "UPPER(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(REPLACE(model, ' ', ''), '-', ''), '.', ''), '/', ''), '_', ''), '&', ''))";

    /// <summary>
    /// Every run from scratch with its bound (the rebuild; migration 0028 runs the same statement once). In (number,
    /// firearm_id) order a run starts at a shape with no link back and ends at one with no link ahead; the running count
    /// of starts numbers the runs, and that of one model's own starts its chains, whose longest is the bound
    /// (<see cref="SerialRuns.KeptRunBound"/>: a model without a <see cref="SerialRuns.BoundModelKey"/> counts as the whole run).
    /// </summary>
    public static readonly Sql InsertAllSerialRuns = new(d => $"""
        WITH a AS (
            SELECT make_key, skeleton, model_key, number, firearm_id,
                   CASE WHEN number - LAG(number) OVER (PARTITION BY make_key, skeleton ORDER BY number, firearm_id) <= {SerialRuns.DefaultMaxGap} THEN 0 ELSE 1 END AS starts,
                   CASE WHEN LEAD(number) OVER (PARTITION BY make_key, skeleton ORDER BY number, firearm_id) - number <= {SerialRuns.DefaultMaxGap} THEN 0 ELSE 1 END AS ends,
                   CASE WHEN number - LAG(number) OVER (PARTITION BY make_key, skeleton, model_key ORDER BY number, firearm_id) <= {SerialRuns.DefaultMaxGap} THEN 0 ELSE 1 END AS model_starts
            FROM (SELECT make_key, skeleton, number, firearm_id, {BoundModelKeySql} AS model_key FROM firearm_serial_shape) s
        ), b AS (
            SELECT make_key, skeleton, model_key, number, firearm_id, starts, ends,
                   SUM(starts) OVER (PARTITION BY make_key, skeleton ORDER BY number, firearm_id ROWS UNBOUNDED PRECEDING) AS run,
                   SUM(model_starts) OVER (PARTITION BY make_key, skeleton, model_key ORDER BY number, firearm_id ROWS UNBOUNDED PRECEDING) AS chain
            FROM a
        ), r AS (
            SELECT make_key, skeleton, run, MIN(number) AS first_number, MAX(CASE WHEN starts = 1 THEN firearm_id END) AS first_id,
                   MAX(number) AS last_number, MAX(CASE WHEN ends = 1 THEN firearm_id END) AS last_id, COUNT(*) AS members
            FROM b GROUP BY make_key, skeleton, run
        ), c AS (
            SELECT make_key, skeleton, run, CASE WHEN model_key = '' OR {(d.Provider == DatabaseProvider.SqlServer ? "model_key COLLATE Latin1_General_BIN2 LIKE '%[^A-Z0-9]%'" : "model_key GLOB '*[^A-Z0-9]*'")} THEN 1000000000 ELSE COUNT(*) END AS size
            FROM b GROUP BY make_key, skeleton, run, model_key, chain
        ), m AS (
            SELECT make_key, skeleton, run, MAX(size) AS size FROM c GROUP BY make_key, skeleton, run
        )
        INSERT INTO firearm_serial_run (make_key, skeleton, first_number, first_firearm_id, last_number, last_firearm_id, members, bound)
        SELECT r.make_key, r.skeleton, r.first_number, r.first_id, r.last_number, r.last_id, r.members,
               CASE WHEN r.members > {SerialRuns.BoundMembersCap} OR m.size > r.members THEN r.members ELSE m.size END
        FROM r JOIN m ON m.make_key = r.make_key AND m.skeleton = r.skeleton AND m.run = r.run
        WHERE r.members >= 2
        """);

    public static readonly Sql SelectFirearmKeyIds = new("""
        SELECT pk.name_key, pk.country_code, pk.licence, pk.party_id
        FROM firearm_party_key fk
        JOIN party_key pk ON pk.name_key = fk.name_key AND pk.country_code = fk.country_code AND pk.licence = fk.licence
        WHERE fk.firearm_id = @firearmId
        """);

    private const string KeyIs = "name_key = @NameKey AND country_code = @CountryCode AND licence = @Licence";

    public static readonly Sql InsertFirearmKey = new(
        "INSERT INTO firearm_party_key (firearm_id, name_key, country_code, licence) VALUES (@FirearmId, @NameKey, @CountryCode, @Licence)");

    public static readonly Sql DeleteFirearmKey = new($"DELETE FROM firearm_party_key WHERE firearm_id = @FirearmId AND {KeyIs}");

    public static readonly Sql IncrementKey = new($"UPDATE party_key SET uses = uses + 1 WHERE {KeyIs}");

    public static readonly Sql DecrementKey = new($"UPDATE party_key SET uses = uses - 1 WHERE {KeyIs}");

    public static readonly Sql DeleteUnusedKey = new($"DELETE FROM party_key WHERE {KeyIs} AND uses <= 0");

    public static readonly Sql InsertKey = new(
        "INSERT INTO party_key (name_key, country_code, licence, party_id, uses) VALUES (@NameKey, @CountryCode, @Licence, @PartyId, 1)");

    public static readonly Sql SetKeyParty = new($"UPDATE party_key SET party_id = @PartyId WHERE {KeyIs}");

    public static readonly Sql SelectFirearmsOfKey = new($"SELECT firearm_id FROM firearm_party_key WHERE {KeyIs}");

    public static readonly Sql SelectKeysByNameOrLicence = new(d => $"""
        SELECT name_key, country_code, licence, party_id FROM party_key
        WHERE name_key IN {d.TextList("@names")} OR (licence <> '' AND licence IN {d.TextList("@licences")})
        """);

    // ---- the rebuild ----

    public static readonly Sql DeleteAll = new("""
        DELETE FROM firearm_route_leg;
        DELETE FROM firearm_diversion;
        DELETE FROM firearm_party;
        DELETE FROM firearm_party_edge;
        DELETE FROM firearm_serial_shape;
        DELETE FROM firearm_serial_run;
        DELETE FROM firearm_party_key;
        DELETE FROM party_key;
        """);

    public static readonly Sql SelectFirearmBatch = new(d => $"""
        SELECT {d.Top("@take")} id, owner_agency_id, visibility_scope, type, serial_number, make, canonical_make, model, status,
               event_date, event_country_code, event_place, case_reference, obliterated_serial
        FROM firearm WHERE id > @afterId AND withdrawn_at IS NULL ORDER BY id {d.Limit("@take")}
        """);

    public static readonly Sql SelectChainParties = new("""
        SELECT ce.from_party_name, ce.from_party_kind, ce.from_party_country, ce.from_party_licence,
               ce.to_party_name, ce.to_party_kind, ce.to_party_country, ce.to_party_licence
        FROM custody_event ce JOIN firearm f ON f.id = ce.firearm_id
        WHERE f.withdrawn_at IS NULL AND ce.retracted_at IS NULL
        """);

    public static readonly Sql SelectEventsBetween = new($"""
        SELECT {TracingColumns} WHERE ce.firearm_id BETWEEN @low AND @high AND ce.retracted_at IS NULL ORDER BY ce.firearm_id, ce.id
        """);

    private const string TracingColumns = """
        ce.id, ce.firearm_id, ce.type, ce.event_date, ce.from_party_name, ce.from_party_kind, ce.from_party_country,
        ce.from_party_licence, ce.to_party_name, ce.to_party_kind, ce.to_party_country, ce.to_party_licence,
        ce.country_code, ce.place, ce.document_reference, ce.notes, ce.authorization_kind, ce.authorization_reference,
        a.code AS source, ce.trace_request_id, ce.recorded_at
        FROM custody_event ce JOIN agency a ON a.id = ce.source_agency_id
        """;

    public static readonly Sql InsertKeyWithUses = new(
        "INSERT INTO party_key (name_key, country_code, licence, party_id, uses) VALUES (@NameKey, @CountryCode, @Licence, @PartyId, @Uses)");

    public static readonly Sql CountDerived = new(d => $"SELECT COUNT(*) FROM (SELECT {d.Top("1")} 1 AS one FROM firearm_serial_shape {d.Limit("1")}) t");

    public static readonly Sql CountEvents = new(d => $"SELECT COUNT(*) FROM (SELECT {d.Top("1")} 1 AS one FROM custody_event {d.Limit("1")}) t");

    // ---- reads of the analysis routes ----

    /// <summary>
    /// <see cref="FirearmQueries.VisibleTo"/> over a derived row <c>x</c>, from the copy of its record's owner and scope
    /// it carries (<see cref="AnalysisIndex.DerivedRow"/>) instead of a lookup into <c>firearm</c>; the country list of a
    /// restricted record is read from <c>firearm_visibility</c> as there. Change both together: a test checks that they
    /// agree on every case of the visibility matrix. Derived rows exist only for live records.
    /// </summary>
    public static string DerivedVisibleTo(string x) => $"""
        ({x}.visibility_scope = 'all' OR {x}.owner_agency_id = @callerAgencyId
         OR EXISTS (SELECT 1 FROM firearm_visibility v WHERE v.firearm_id = {x}.firearm_id AND v.country_code = @callerCountry))
        """;

    /// <summary>The record filters (<see cref="FilterArgs"/>) over the make and type of record <c>f</c> or of derived row <c>x</c>.</summary>
    /// <remarks><paramref name="ownReason"/>: <c>x</c> is the diversion row itself (a firearm has one), so the reason is its own column.</remarks>
    private static string Filtered(string x, string id, bool ownReason = false) => $"""
        (@makeLower IS NULL OR {x}.canonical_make = @make OR LOWER({x}.make) = @makeLower)
        AND (@type IS NULL OR {x}.type = @type)
        AND (@reason IS NULL OR {(ownReason ? $"{x}.reason = @reason" : $"EXISTS (SELECT 1 FROM firearm_diversion dr WHERE dr.firearm_id = {x}.{id} AND dr.reason = @reason)")})
        """;

    /// <summary>The caller may see the live record <c>f</c> and it passes the record filters (<see cref="FilterArgs"/>).</summary>
    private static string Visible => $"f.withdrawn_at IS NULL AND {FirearmQueries.VisibleTo} AND {Filtered("f", "id")}";

    /// <summary>As <see cref="Visible"/>, for the derived row <c>x</c>, from its copy of the record alone.</summary>
    private static string VisibleRow(string x) => $"{DerivedVisibleTo(x)} AND {Filtered(x, "firearm_id")}";

    /// <summary>As <see cref="VisibleRow"/>, for the diversion row <c>x</c> (its reason read from the row, with no other probe).</summary>
    private static string VisibleDiversion(string x) => $"{DerivedVisibleTo(x)} AND {Filtered(x, "firearm_id", ownReason: true)}";

    private static readonly Sql SelectRoutes = new(d => $"""
        SELECT l.from_country, l.to_country, COUNT(*) AS firearms, SUM(l.licensed) AS licensed,
               MIN(l.leg_date) AS first_seen, MAX(l.leg_date) AS last_seen
        FROM firearm_route_leg l
        WHERE {VisibleRow("l")}
          AND (@since IS NULL OR l.leg_date >= @since) AND (@until IS NULL OR l.leg_date <= @until)
          AND (@fromCountry IS NULL OR l.from_country = @fromCountry) AND (@toCountry IS NULL OR l.to_country = @toCountry)
        GROUP BY l.from_country, l.to_country
        ORDER BY COUNT(*) DESC, l.from_country, l.to_country {d.Recompile}
        """);

    // fromCountry is where the weapon left lawful hands; toCountry any country it was moved to afterwards or before.
    // The destinations are one uncorrelated set (SQLite builds it once) rather than a probe into firearm_route_leg per
    // row: the holder ranking walks the rows in party order, where those probes landed at random (half the filtered
    // ranking's time at 10 M records in the sqlite3 shell).
    private static string DiversionCounted => $"""
        {VisibleDiversion("dv")}
          AND (@since IS NULL OR dv.diversion_date >= @since) AND (@until IS NULL OR dv.diversion_date <= @until)
          AND (@fromCountry IS NULL OR dv.country_code = @fromCountry)
          AND (@toCountry IS NULL OR dv.firearm_id IN (SELECT l.firearm_id FROM firearm_route_leg l WHERE l.to_country = @toCountry))
        """;

    /// <summary>The column each grouping groups by (NULL for an unknown country or holder, keyed '' in the answer).</summary>
    private static string DiversionColumn(DiversionGrouping by) => by switch
    {
        DiversionGrouping.Country => "dv.country_code",
        DiversionGrouping.Party => "dv.party_id",
        DiversionGrouping.Reason => "dv.reason",
        _ => "dv.party_kind",
    };

    // The groups of a page, counted and their median time to crime taken in the database, so that only the page's
    // groups leave it (every diverted firearm's row did before: at 1 M records most of the answer's time went into
    // reading 19 k rows). The median is the middle row of the known times, or the mean of the two middle ones:
    // positions (n + 1) / 2 and (n + 2) / 2 in integer division, n a group's known times. One statement per grouping,
    // each read from its own index in (group, time to crime) order (migration 0028), which holds every column the
    // filters read: the count walks it in group order and the window numbers the rows in it with nothing sorted
    // (before, every visible row was sorted per request: 0.3 s at 10 M records). NULL groups (no country, no holder)
    // are keyed '' as DiversionSources.Aggregate keys them.
    private static readonly Sql[] SelectDiversionGroups = [.. Enum.GetValues<DiversionGrouping>().Select(by => new Sql(d => $"""
        WITH g AS (
            SELECT {d.Top("@limit")} COALESCE({DiversionColumn(by)}, '') AS k, COUNT(*) AS firearms, COUNT(dv.time_to_crime_days) AS known
            FROM firearm_diversion dv
            WHERE {DiversionCounted}
            GROUP BY {DiversionColumn(by)}
            ORDER BY COUNT(*) DESC, {DiversionColumn(by)} {d.Limit("@limit")}
        ), m AS (
            SELECT COALESCE({DiversionColumn(by)}, '') AS k, dv.time_to_crime_days AS t,
                   ROW_NUMBER() OVER (PARTITION BY {DiversionColumn(by)} ORDER BY dv.time_to_crime_days) AS rn
            FROM firearm_diversion dv
            WHERE {DiversionCounted} AND dv.time_to_crime_days IS NOT NULL
        )
        SELECT g.k AS group_key, g.firearms, AVG(CAST(m.t AS FLOAT)) AS median_time_to_crime_days
        FROM g LEFT JOIN m ON m.k = g.k AND (m.rn = (g.known + 1) / 2 OR m.rn = (g.known + 2) / 2)
        GROUP BY g.k, g.firearms {d.Recompile}
        """))];

    // The parties of a page: ranked in the database (ix_firearm_diversion_party walks them in party order, the unknown
    // holder's NULL first as Core's '' key sorts first), then only their rows are read, so that Core shows each under
    // its most frequent spelling and takes its median.
    private static readonly Sql SelectDiversionParties = new(d => $"""
        SELECT {d.Top("@limit")} COALESCE(dv.party_id, '') AS group_key, COUNT(*) AS firearms
        FROM firearm_diversion dv
        WHERE {DiversionCounted}
        GROUP BY dv.party_id
        ORDER BY COUNT(*) DESC, dv.party_id {d.Limit("@limit")} {d.Recompile}
        """);

    private static readonly Sql SelectDiversionsOfParties = new(d => $"""
        SELECT dv.firearm_id, dv.country_code, dv.party_id, dv.party_name, dv.party_kind, dv.party_country, dv.reason,
               dv.time_to_crime_days, dv.diversion_date
        FROM firearm_diversion dv
        WHERE (dv.party_id IN {d.TextList("@parties")} OR (@unknownParty = 1 AND dv.party_id IS NULL)) AND {DiversionCounted}
        {d.Recompile}
        """);

    private static string CountedParty => $"""
        fp.diverted = 1 AND (@role = 0 OR (fp.roles & @role) <> 0) AND {VisibleRow("fp")}
        """;

    // Only the rows of the parties that make the page are read: the database ranks the parties as PartyRoles.Rank
    // does (last lawful holder of most firearms, then most firearms, then id), Rank then orders those rows again
    // and builds their role counts. The ranking reads ix_firearm_party_rank alone (everything it filters on is in
    // it, in party order, so the GROUP BY sorts nothing); the page's rows are then read by party.
    private static readonly Sql SelectRankedPartyRows = new(d => $"""
        WITH ranked AS (
            SELECT {d.Top("@limit")} fp.party_id
            FROM firearm_party fp
            WHERE {CountedParty}
            GROUP BY fp.party_id
            HAVING COUNT(*) >= @minFirearms
            ORDER BY SUM(CASE WHEN (fp.roles & {(int)PartyRole.LastLawfulHolder}) <> 0 THEN 1 ELSE 0 END) DESC, COUNT(*) DESC, fp.party_id {d.Limit("@limit")}
        )
        SELECT fp.firearm_id, fp.party_id, fp.name, fp.kind, fp.country_code, fp.roles
        FROM ranked r CROSS JOIN firearm_party fp
        WHERE fp.party_id = r.party_id AND {CountedParty}
        {d.Recompile}
        """);

    private static readonly Sql SelectEdgesOfParties = new(d => $"""
        SELECT e.firearm_id, e.party_id, e.event_type, e.event_date
        FROM firearm_party_edge e
        WHERE e.party_id IN {d.TextList("@parties")} AND {VisibleRow("e")}
        """);

    private static readonly Sql SelectEdgesOfFirearms = new(d => $"""
        SELECT e.firearm_id, e.party_id, e.event_type, e.event_date
        FROM firearm_party_edge e
        WHERE e.firearm_id IN {d.IdList("@ids")} AND {VisibleRow("e")}
        """);

    private static readonly Sql SelectPartyNames = new(d => $"""
        SELECT fp.firearm_id, fp.party_id, fp.name, fp.kind, fp.country_code, fp.roles
        FROM firearm_party fp
        WHERE fp.party_id IN {d.TextList("@parties")} AND fp.firearm_id IN {d.IdList("@ids")} AND {VisibleRow("fp")}
        """);

    private static readonly Sql SelectFirearmLabels = new(d => $"""
        SELECT f.id, f.serial_number, f.make, f.model, f.type, f.status
        FROM firearm f WHERE f.id IN {d.IdList("@ids")} AND {Visible}
        """);

    // Only the shapes with a neighbour within maxGap can be in a run: those whose neighbour_gap (the distance to the
    // nearest shape of the same make and skeleton among all live records) is at most maxGap, read from one range of
    // ix_firearm_serial_shape_candidate, which covers them; visibility and the filters apply to what it gives. That is
    // exact: a visible record with a visible neighbour within maxGap has a neighbour within maxGap among all records,
    // and what the filters drop never links two kept records, because SerialRuns.Find chains only what it is given.
    // Two statements, all makes and one make: an "(@runMake IS NULL OR ...)" term would keep SQLite off the make index.
    private static readonly Sql[] SelectRunCandidates = [RunCandidates("1 = 1"), RunCandidates("s.make_key = @runMake")];

    private static Sql RunCandidates(string makeCondition) => new(d => $"""
        SELECT s.firearm_id, s.make_key, s.model, s.serial_number, s.case_reference, s.place, s.country_code, s.event_date
        FROM firearm_serial_shape s
        WHERE {makeCondition} AND s.neighbour_gap <= @maxGap AND {VisibleRow("s")}
          AND (@since IS NULL OR s.event_date >= @since) AND (@until IS NULL OR s.event_date <= @until)
        {d.Recompile}
        """);

    // The kept runs (migration 0028) of bound 2 or more, largest bound first, after (@runMembers, @runAfterId) in
    // (bound, first firearm) descending order, over every make or within one (the same split as the candidates).
    private static readonly Sql[] SelectRunsBySize = [RunsBySize("1 = 1"), RunsBySize("r.make_key = @runMake")];

    private static Sql RunsBySize(string makeCondition) => new(d => $"""
        SELECT {d.Top("@limit")} {RunColumns}
        FROM firearm_serial_run r
        WHERE {makeCondition} AND r.bound >= 2 AND r.bound <= @runMembers AND (r.bound < @runMembers OR r.first_firearm_id < @runAfterId)
        ORDER BY r.bound DESC, r.first_firearm_id DESC {d.Limit("@limit")}
        """);

    // One kept run's members that the caller may see and the filters keep: the shapes of its make and skeleton
    // numbered from its first to its last (no other shape lies in between), one range of ix_firearm_serial_shape_run.
    private static readonly Sql SelectRunMembers = new(d => $"""
        SELECT s.firearm_id, s.make_key, s.model, s.serial_number, s.case_reference, s.place, s.country_code, s.event_date
        FROM firearm_serial_shape s
        WHERE s.make_key = @runMake AND s.skeleton = @runSkeleton AND s.number BETWEEN @runFirst AND @runLast AND {VisibleRow("s")}
          AND (@since IS NULL OR s.event_date >= @since) AND (@until IS NULL OR s.event_date <= @until)
        """);

    private static readonly Sql SelectPartiesOfFirearms = new(d => $"""
        SELECT fp.firearm_id, fp.party_id FROM firearm_party fp WHERE fp.firearm_id IN {d.IdList("@ids")}
        """);

    private static readonly Sql SelectEventDays = new(d => $"""
        SELECT ce.event_date AS day, COUNT(*) AS count
        FROM custody_event ce CROSS JOIN firearm f
        WHERE f.id = ce.firearm_id AND ce.type IN {d.TextList("@types")} AND ce.retracted_at IS NULL AND {Visible}
          AND (@since IS NULL OR ce.event_date >= @since) AND (@until IS NULL OR ce.event_date <= @until)
        GROUP BY ce.event_date {d.Recompile}
        """);

    private static readonly Sql SelectTraceRequestTimes = new(d => $"""
        SELECT tr.created_at FROM trace_request tr CROSS JOIN firearm f WHERE f.id = tr.firearm_id AND {Visible} {d.Recompile}
        """);

    public async Task<List<RouteRow>> RoutesAsync(FilterArgs args, CancellationToken ct)
    {
        await using var session = await db.ReadAsync(ct);
        return await session.QueryAsync<RouteRow>(SelectRoutes, args);
    }

    /// <summary>The first <c>args.limit</c> groups of the visible diversions, most firearms first, with their median time to crime.</summary>
    public async Task<List<DiversionGroupRow>> DiversionGroupsAsync(DiversionGrouping by, FilterArgs args, CancellationToken ct)
    {
        await using var session = await db.ReadAsync(ct);
        return await session.QueryAsync<DiversionGroupRow>(SelectDiversionGroups[(int)by], args);
    }

    /// <summary>
    /// The visible diversion rows of the first <c>args.limit</c> holders (by firearms, then id; '' stands for the
    /// unknown holder), as <see cref="AnalysisIndex"/> stores them.
    /// </summary>
    internal async Task<List<AnalysisIndex.DiversionRow>> DiversionsOfTopPartiesAsync(FilterArgs args, CancellationToken ct)
    {
        await using var session = await db.ReadAsync(ct);
        var parties = (await session.QueryAsync<DiversionGroupRow>(SelectDiversionParties, args)).Select(g => g.GroupKey).ToList();
        if (parties.Count == 0)
        {
            return [];
        }
        return await session.QueryAsync<AnalysisIndex.DiversionRow>(SelectDiversionsOfParties,
            args with { parties = SqlList.Of(parties.Where(p => p.Length > 0)), unknownParty = parties.Contains("") ? 1 : 0 });
    }

    public async Task<List<PartyRow>> RankedPartyRowsAsync(FilterArgs args, CancellationToken ct)
    {
        await using var session = await db.ReadAsync(ct);
        return await session.QueryAsync<PartyRow>(SelectRankedPartyRows, args);
    }

    /// <summary>The visible edges of some parties and of some firearms; either list may be empty.</summary>
    public static async Task<List<EdgeRow>> EdgesAsync(SqlSession session, FilterArgs args, IReadOnlyCollection<string> parties, IReadOnlyCollection<long> firearms)
    {
        var edges = new List<EdgeRow>();
        if (parties.Count > 0)
        {
            edges.AddRange(await session.QueryAsync<EdgeRow>(SelectEdgesOfParties, args with { parties = SqlList.Of(parties) }));
        }
        if (firearms.Count > 0)
        {
            edges.AddRange(await session.QueryAsync<EdgeRow>(SelectEdgesOfFirearms, args with { ids = SqlList.Of(firearms) }));
        }
        return edges;
    }

    public Task<SqlSession> ReadSessionAsync(CancellationToken ct) => db.ReadAsync(ct);

    public static Task<List<PartyRow>> PartyNamesAsync(SqlSession session, FilterArgs args, IEnumerable<string> parties, IEnumerable<long> firearms) =>
        session.QueryAsync<PartyRow>(SelectPartyNames, args with { parties = SqlList.Of(parties), ids = SqlList.Of(firearms) });

    public static Task<List<FirearmLabelRow>> FirearmLabelsAsync(SqlSession session, FilterArgs args, IEnumerable<long> firearms) =>
        session.QueryAsync<FirearmLabelRow>(SelectFirearmLabels, args with { ids = SqlList.Of(firearms) });

    public async Task<List<RunCandidateRow>> RunCandidatesAsync(FilterArgs args, CancellationToken ct)
    {
        await using var session = await db.ReadAsync(ct);
        return await session.QueryAsync<RunCandidateRow>(SelectRunCandidates[args.runMake is null ? 0 : 1], args);
    }

    /// <summary>
    /// The first <paramref name="wanted"/> runs of <see cref="SerialRuns.Find"/> over every visible candidate (for
    /// <c>args.maxGap</c> up to <see cref="SerialRuns.DefaultMaxGap"/>), found from the kept runs: each kept run is
    /// chained on its own visible members, largest bound first, until the next kept run cannot beat the page's last.
    /// That is exact: the runs of a caller at any maxGap up to the kept one lie each inside one kept run (what a caller
    /// sees is a subset of all shapes, and a link between two visible shapes spans only shapes closer together), so a
    /// kept run's bound (<see cref="SerialRuns.KeptRunBound"/>) and its place in the order (make, skeleton, first
    /// number, first firearm) bound every run inside it.
    /// </summary>
    public async Task<List<SerialRun>> TopRunsAsync(FilterArgs args, int wanted, CancellationToken ct)
    {
        await using var session = await db.ReadAsync(ct);
        var kept = new List<SerialRun>(wanted + 1);
        var batch = Math.Max(64, wanted * 2);
        var after = args with { runMembers = int.MaxValue, runAfterId = long.MaxValue, limit = batch };
        while (true)
        {
            var runs = await session.QueryAsync<SerialRunRow>(SelectRunsBySize[args.runMake is null ? 0 : 1], after);
            foreach (var run in runs)
            {
                if (kept.Count == wanted)
                {
                    var last = kept[^1];
                    if (run.Bound < last.FirearmIds.Count)
                    {
                        return kept;
                    }
                    if (run.Bound == last.FirearmIds.Count && SerialRuns.ComparePlace(run.MakeKey, run.Skeleton, run.FirstNumber, run.FirstFirearmId, last) > 0)
                    {
                        continue;
                    }
                }
                var members = await session.QueryAsync<RunCandidateRow>(SelectRunMembers,
                    args with { runMake = run.MakeKey, runSkeleton = run.Skeleton, runFirst = run.FirstNumber, runLast = run.LastNumber });
                foreach (var found in SerialRuns.Find(members.Select(c => c.ToCandidate()), args.maxGap))
                {
                    var at = kept.BinarySearch(found, SerialRuns.Order);
                    kept.Insert(at < 0 ? ~at : at, found);
                    if (kept.Count > wanted)
                    {
                        kept.RemoveAt(wanted);
                    }
                }
            }
            if (runs.Count < batch)
            {
                return kept;
            }
            after = after with { runMembers = runs[^1].Bound, runAfterId = runs[^1].FirstFirearmId };
        }
    }

    /// <summary>The parties of the chains of some firearms (already known to be visible), by firearm.</summary>
    public async Task<ILookup<long, string>> PartiesOfFirearmsAsync(IEnumerable<long> firearms, CancellationToken ct)
    {
        await using var session = await db.ReadAsync(ct);
        var parties = new List<FirearmPartyRow>();
        // In chunks: a page of runs can hold many thousands of firearms.
        foreach (var chunk in firearms.Chunk(5000))
        {
            parties.AddRange(await session.QueryAsync<FirearmPartyRow>(SelectPartiesOfFirearms, new { ids = SqlList.Of(chunk) }));
        }
        return parties.ToLookup(p => p.FirearmId, p => p.PartyId);
    }

    public async Task<List<DayCountRow>> EventDaysAsync(FilterArgs args, CancellationToken ct)
    {
        await using var session = await db.ReadAsync(ct);
        return await session.QueryAsync<DayCountRow>(SelectEventDays, args);
    }

    public async Task<List<DateTimeOffset>> TraceRequestTimesAsync(FilterArgs args, CancellationToken ct)
    {
        await using var session = await db.ReadAsync(ct);
        return await session.QueryAsync<DateTimeOffset>(SelectTraceRequestTimes, args);
    }

    public sealed class RouteRow
    {
        public string FromCountry { get; set; } = "";
        public string ToCountry { get; set; } = "";
        public long Firearms { get; set; }
        public long Licensed { get; set; }
        public DateOnly FirstSeen { get; set; }
        public DateOnly LastSeen { get; set; }
    }

    public sealed class DiversionGroupRow
    {
        public string GroupKey { get; set; } = "";
        public long Firearms { get; set; }
        public double? MedianTimeToCrimeDays { get; set; }
    }

    public sealed class PartyRow
    {
        public long FirearmId { get; set; }
        public string PartyId { get; set; } = "";
        public string Name { get; set; } = "";
        public string Kind { get; set; } = "";
        public string? CountryCode { get; set; }
        public int Roles { get; set; }
    }

    public sealed class EdgeRow
    {
        public long FirearmId { get; set; }
        public string PartyId { get; set; } = "";
        public string EventType { get; set; } = "";
        public DateOnly EventDate { get; set; }
    }

    public sealed class FirearmLabelRow
    {
        public long Id { get; set; }
        public string SerialNumber { get; set; } = "";
        public string Make { get; set; } = "";
        public string Model { get; set; } = "";
        public string Type { get; set; } = "";
        public string Status { get; set; } = "";
    }

    public sealed class RunCandidateRow
    {
        public long FirearmId { get; set; }
        public string MakeKey { get; set; } = "";
        public string Model { get; set; } = "";
        public string SerialNumber { get; set; } = "";
        public string CaseReference { get; set; } = "";
        public string Place { get; set; } = "";
        public string? CountryCode { get; set; }
        public DateOnly? EventDate { get; set; }

        /// <summary>As <see cref="SerialRuns.Find"/> takes it, without the party lists (the page's runs get theirs after).</summary>
        public SerialRunCandidate ToCandidate() => new(FirearmId, MakeKey, Model, SerialNumber, CaseReference, Place, CountryCode, EventDate, []);
    }

    /// <summary>A row of <c>firearm_serial_run</c>, as read and as written (its properties are the upkeep statements' parameters).</summary>
    public sealed record SerialRunRow
    {
        public string MakeKey { get; init; } = "";
        public string Skeleton { get; init; } = "";
        public long FirstNumber { get; init; }
        public long FirstFirearmId { get; init; }
        public long LastNumber { get; init; }
        public long LastFirearmId { get; init; }
        public int Members { get; init; }
        public int Bound { get; init; }
    }

    public sealed class FirearmPartyRow
    {
        public long FirearmId { get; set; }
        public string PartyId { get; set; } = "";
    }

    public sealed class DayCountRow
    {
        public DateOnly Day { get; set; }
        public long Count { get; set; }
    }
}

/// <summary>
/// The parameters every analysis read binds: the caller (for <see cref="FirearmQueries.VisibleTo"/>) and the
/// filters, null when not given. One type for all reads, so each statement names only the ones it uses. The
/// properties are spelled as the statements' parameters (camelCase, as <see cref="FirearmQueries.VisibleTo"/>'s):
/// SQLite binds parameters by exact name.
/// </summary>
public sealed record FilterArgs
{
    public long callerAgencyId { get; init; }
    public string? callerCountry { get; init; }
    public DateOnly? since { get; init; }
    public DateOnly? until { get; init; }

    /// <summary>The make filter as the reference table names it (or as given when it does not know it).</summary>
    public string? make { get; init; }

    /// <summary>The make filter lower-cased, compared with the make as recorded; null when no make filter is given.</summary>
    public string? makeLower { get; init; }

    /// <summary>The make a serial-run search keeps (<see cref="AnalysisQueries.MakeKey"/>).</summary>
    public string? runMake { get; init; }

    public string? type { get; init; }
    public string? fromCountry { get; init; }
    public string? toCountry { get; init; }
    public string? reason { get; init; }
    public int role { get; init; }
    public int minFirearms { get; init; }
    public int limit { get; init; }

    /// <summary>1 when the unknown holder is among the parties asked for (<see cref="parties"/> holds only known ids).</summary>
    public int unknownParty { get; init; }
    public int maxGap { get; init; }

    /// <summary>The kept run read (<see cref="AnalysisQueries.TopRunsAsync"/>): its skeleton and number range, and the keyset position.</summary>
    public string? runSkeleton { get; init; }
    public long runFirst { get; init; }
    public long runLast { get; init; }
    public int runMembers { get; init; }
    public long runAfterId { get; init; }
    public string types { get; init; } = "[]";
    public string parties { get; init; } = "[]";
    public string ids { get; init; } = "[]";
}
