using IArms.Api.Data;
using IArms.Api.Firearms;

namespace IArms.Api.Notices;

/// <summary>All of the notices feature's SQL.</summary>
public static class NoticeQueries
{
    /// <summary>Active at <c>@now</c>, over <c>notice n</c>.</summary>
    private const string IsActive = "n.withdrawn_at IS NULL AND (n.expires_at IS NULL OR n.expires_at > @now)";

    /// <summary>Addressed to <c>@country</c>, over <c>notice n</c>.</summary>
    private const string AddressedTo = "(n.all_countries = 1 OR EXISTS (SELECT 1 FROM notice_country c WHERE c.notice_id = n.id AND c.country_code = @country))";

    private static readonly Sql Insert = new(d => d.InsertReturningId("""
        INSERT INTO notice (agency_id, kind, title, summary, all_countries, run_make, run_first, run_last, run_skeleton,
                            run_first_number, run_last_number, created_at, expires_at)
        """, """
        VALUES (@AgencyId, @Kind, @Title, @Summary, @AllCountries, @RunMake, @RunFirst, @RunLast, @RunSkeleton,
                @RunFirstNumber, @RunLastNumber, @CreatedAt, @ExpiresAt)
        """));

    private static readonly Sql InsertCountry = new("INSERT INTO notice_country (notice_id, country_code) VALUES (@noticeId, @countryCode)");

    private static readonly Sql InsertFirearm = new("INSERT INTO notice_firearm (notice_id, firearm_id) VALUES (@noticeId, @firearmId)");

    /// <summary>Every agency of the addressed countries but the sender (for <c>all</c>, every agency, the central one included).</summary>
    private static readonly Sql SelectAddressees = new(d => $"""
        SELECT id FROM agency
        WHERE id <> @senderId AND (@all = 1 OR country_code IN {d.TextList("@countries")})
        ORDER BY id
        """);

    private static readonly Sql SelectCountriesWithAgencies = new(d => $"""
        SELECT DISTINCT country_code FROM agency WHERE country_code IN {d.TextList("@countries")}
        """);

    private static readonly Sql InsertRecipient = new("INSERT INTO notice_recipient (notice_id, agency_id) VALUES (@noticeId, @agencyId)");

    private const string Columns = """
        n.id, n.kind, n.title, n.summary, a.code AS issuing_agency, NULLIF(a.country_code, '') AS issuing_country, n.agency_id,
        n.all_countries, n.run_make, n.run_first, n.run_last, n.created_at, n.expires_at, n.withdrawn_at, r.acknowledged_at,
        CASE WHEN r.agency_id IS NULL THEN 0 ELSE 1 END AS is_recipient
        FROM notice n JOIN agency a ON a.id = n.agency_id
        LEFT JOIN notice_recipient r ON r.notice_id = n.id AND r.agency_id = @agencyId
        """;

    private static readonly Sql SelectPage = new(d => $"""
        SELECT {d.Top("@take")} {Columns}
        WHERE n.id < @beforeId
          AND ((@incoming = 1 AND r.agency_id IS NOT NULL) OR (@outgoing = 1 AND n.agency_id = @agencyId))
          AND (@status IS NULL
               OR (@status = 'active' AND n.withdrawn_at IS NULL AND (n.expires_at IS NULL OR n.expires_at > @now))
               OR (@status = 'expired' AND n.withdrawn_at IS NULL AND n.expires_at <= @now)
               OR (@status = 'withdrawn' AND n.withdrawn_at IS NOT NULL))
        ORDER BY n.id DESC {d.Limit("@take")} {d.Recompile}
        """);

    private static readonly Sql SelectOne = new($"SELECT {Columns} WHERE n.id = @id AND (n.agency_id = @agencyId OR r.agency_id IS NOT NULL)");

    private static readonly Sql SelectCountries = new(d =>
        $"SELECT notice_id, country_code FROM notice_country WHERE notice_id IN {d.IdList("@ids")} ORDER BY country_code");

    /// <summary>The named records the caller may see.</summary>
    private static readonly Sql SelectFirearms = new(d => $"""
        SELECT nf.notice_id, nf.firearm_id FROM notice_firearm nf JOIN firearm f ON f.id = nf.firearm_id
        WHERE nf.notice_id IN {d.IdList("@ids")} AND f.withdrawn_at IS NULL AND {FirearmQueries.VisibleTo}
        ORDER BY nf.firearm_id
        """);

    private static readonly Sql SelectRecipients = new("""
        SELECT a.code AS agency, NULLIF(a.country_code, '') AS country_code, r.acknowledged_at
        FROM notice_recipient r JOIN agency a ON a.id = r.agency_id
        WHERE r.notice_id = @id ORDER BY a.code
        """);

    private static readonly Sql Acknowledge = new(
        "UPDATE notice_recipient SET acknowledged_at = @now WHERE notice_id = @id AND agency_id = @agencyId AND acknowledged_at IS NULL");

    /// <summary>Acknowledging the notice closes the inbox alert that announced it.</summary>
    private static readonly Sql AcknowledgeAlert = new(
        "UPDATE alert SET acknowledged_at = @now WHERE agency_id = @agencyId AND kind = 'notice' AND notice_id = @id AND acknowledged_at IS NULL");

    private static readonly Sql Withdraw = new(
        "UPDATE notice SET withdrawn_at = @now WHERE id = @id AND agency_id = @agencyId AND withdrawn_at IS NULL");

    // ---- the search's lookups ----

    /// <summary>Whether any active notice names a record: when none does, the search skips the per-result lookup.</summary>
    private static readonly Sql SelectAnyNamed = new(d => $"""
        SELECT {d.Top("1")} n.id FROM notice n
        WHERE {IsActive} AND EXISTS (SELECT 1 FROM notice_firearm nf WHERE nf.notice_id = n.id)
        {d.Limit("1")}
        """);

    /// <summary>The active serial runs, with their addressing: few, so the search matches them in memory.</summary>
    private static readonly Sql SelectActiveRuns = new($"""
        SELECT n.id, n.kind, n.title, a.code AS issuing_agency, n.agency_id, n.all_countries, n.run_make, n.run_skeleton,
               n.run_first_number, n.run_last_number, n.expires_at
        FROM notice n JOIN agency a ON a.id = n.agency_id
        WHERE {IsActive} AND n.run_make IS NOT NULL
        """);

    private static readonly Sql SelectRunCountries = new($"""
        SELECT c.notice_id, c.country_code FROM notice_country c JOIN notice n ON n.id = c.notice_id
        WHERE {IsActive} AND n.run_make IS NOT NULL
        """);

    /// <summary>The active notices addressed to the searcher (or sent by it) that name any of the results: one indexed lookup.</summary>
    private static readonly Sql SelectNaming = new(d => $"""
        SELECT nf.firearm_id, n.id, n.kind, n.title, a.code AS issuing_agency, n.agency_id
        FROM notice_firearm nf JOIN notice n ON n.id = nf.notice_id JOIN agency a ON a.id = n.agency_id
        WHERE nf.firearm_id IN {d.IdList("@ids")} AND {IsActive} AND (n.agency_id = @agencyId OR {AddressedTo})
        ORDER BY nf.firearm_id, n.id
        """);

    public static Task<long> InsertAsync(SqlSession session, NoticeRow row) => session.QuerySingleAsync<long>(Insert, row);

    public static async Task AddTargetsAsync(SqlSession session, long noticeId, IEnumerable<string> countries, IEnumerable<long> firearmIds, IEnumerable<long> recipients)
    {
        await session.ExecuteAsync(InsertCountry, countries.Select(c => new { noticeId, countryCode = c }).ToList());
        await session.ExecuteAsync(InsertFirearm, firearmIds.Select(f => new { noticeId, firearmId = f }).ToList());
        await session.ExecuteAsync(InsertRecipient, recipients.Select(a => new { noticeId, agencyId = a }).ToList());
    }

    public static Task<List<long>> AddresseesAsync(SqlSession session, long senderId, bool all, IReadOnlyList<string> countries) =>
        session.QueryAsync<long>(SelectAddressees, new { senderId, all = all ? 1 : 0, countries = SqlList.Of(countries) });

    public static Task<List<string>> CountriesWithAgenciesAsync(SqlSession session, IReadOnlyList<string> countries) =>
        session.QueryAsync<string>(SelectCountriesWithAgencies, new { countries = SqlList.Of(countries) });

    public static Task<List<NoticeRead>> PageAsync(
        SqlSession session, long agencyId, bool incoming, bool outgoing, string? status, DateTimeOffset now, long beforeId, int take) =>
        session.QueryAsync<NoticeRead>(SelectPage, new
        {
            agencyId, incoming = incoming ? 1 : 0, outgoing = outgoing ? 1 : 0, status, now, beforeId, take,
        });

    public static Task<NoticeRead?> OneAsync(SqlSession session, long agencyId, long id) =>
        session.QuerySingleOrDefaultAsync<NoticeRead>(SelectOne, new { agencyId, id });

    public static Task<List<NoticeLink>> CountriesAsync(SqlSession session, IEnumerable<long> ids) =>
        session.QueryAsync<NoticeLink>(SelectCountries, new { ids = SqlList.Of(ids) });

    public static Task<List<NoticeFirearm>> FirearmsAsync(SqlSession session, IEnumerable<long> ids, long callerAgencyId, string? callerCountry) =>
        session.QueryAsync<NoticeFirearm>(SelectFirearms, new { ids = SqlList.Of(ids), callerAgencyId, callerCountry });

    public static Task<List<RecipientRow>> RecipientsAsync(SqlSession session, long id) =>
        session.QueryAsync<RecipientRow>(SelectRecipients, new { id });

    public static async Task AcknowledgeAsync(SqlSession session, long agencyId, long id, DateTimeOffset now)
    {
        await session.ExecuteAsync(Acknowledge, new { agencyId, id, now });
        await session.ExecuteAsync(AcknowledgeAlert, new { agencyId, id, now });
    }

    public static async Task<bool> WithdrawAsync(SqlSession session, long agencyId, long id, DateTimeOffset now) =>
        await session.ExecuteAsync(Withdraw, new { agencyId, id, now }) == 1;

    public static async Task<bool> AnyNamedAsync(SqlSession session, DateTimeOffset now) =>
        (await session.QueryAsync<long>(SelectAnyNamed, new { now })).Count > 0;

    public static Task<List<RunRow>> ActiveRunsAsync(SqlSession session, DateTimeOffset now) =>
        session.QueryAsync<RunRow>(SelectActiveRuns, new { now });

    public static Task<List<NoticeLink>> RunCountriesAsync(SqlSession session, DateTimeOffset now) =>
        session.QueryAsync<NoticeLink>(SelectRunCountries, new { now });

    public static Task<List<NamingRow>> NamingAsync(SqlSession session, IEnumerable<long> firearmIds, long agencyId, string? country, DateTimeOffset now) =>
        session.QueryAsync<NamingRow>(SelectNaming, new { ids = SqlList.Of(firearmIds), agencyId, country, now });

    public sealed record NoticeRow(
        long AgencyId, string Kind, string Title, string Summary, int AllCountries, string? RunMake, string? RunFirst, string? RunLast,
        string? RunSkeleton, long? RunFirstNumber, long? RunLastNumber, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt);

    public sealed class NoticeRead
    {
        public long Id { get; set; }
        public string Kind { get; set; } = "";
        public string Title { get; set; } = "";
        public string Summary { get; set; } = "";
        public string IssuingAgency { get; set; } = "";
        public string? IssuingCountry { get; set; }
        public long AgencyId { get; set; }
        public bool AllCountries { get; set; }
        public string? RunMake { get; set; }
        public string? RunFirst { get; set; }
        public string? RunLast { get; set; }
        public DateTimeOffset CreatedAt { get; set; }
        public DateTimeOffset? ExpiresAt { get; set; }
        public DateTimeOffset? WithdrawnAt { get; set; }
        public DateTimeOffset? AcknowledgedAt { get; set; }
        public bool IsRecipient { get; set; }
    }

    public sealed class NoticeLink
    {
        public long NoticeId { get; set; }
        public string CountryCode { get; set; } = "";
    }

    public sealed class NoticeFirearm
    {
        public long NoticeId { get; set; }
        public long FirearmId { get; set; }
    }

    public sealed class RecipientRow
    {
        public string Agency { get; set; } = "";
        public string? CountryCode { get; set; }
        public DateTimeOffset? AcknowledgedAt { get; set; }
    }

    public sealed class RunRow
    {
        public long Id { get; set; }
        public string Kind { get; set; } = "";
        public string Title { get; set; } = "";
        public string IssuingAgency { get; set; } = "";
        public long AgencyId { get; set; }
        public bool AllCountries { get; set; }
        public string RunMake { get; set; } = "";
        public string RunSkeleton { get; set; } = "";
        public long RunFirstNumber { get; set; }
        public long RunLastNumber { get; set; }
        public DateTimeOffset? ExpiresAt { get; set; }
    }

    public sealed class NamingRow
    {
        public long FirearmId { get; set; }
        public long Id { get; set; }
        public string Kind { get; set; } = "";
        public string Title { get; set; } = "";
        public string IssuingAgency { get; set; } = "";
        public long AgencyId { get; set; }
    }
}
