using IArms.Api.Data;

namespace IArms.Api.Search;

/// <summary>
/// All of the search feature's SQL: the candidate lookups of <see cref="SerialSearch"/>, the search tables'
/// upkeep (<see cref="SerialIndex"/>) and the trigram counts (<see cref="TrigramStatistics"/>).
/// </summary>
public static class SearchQueries
{
    private const string CandidateColumns = "s.id AS serial_id, s.firearm_id, s.location, s.serial";

    /// <summary>
    /// The visibility rule inside every candidate lookup (<see cref="Firearms.FirearmQueries.SerialVisibleTo"/>), so that
    /// records the caller may not see take no part in the tiers, the caps or <c>truncated</c>.
    /// </summary>
    private const string VisibleTo = Firearms.FirearmQueries.SerialVisibleTo;

    private static readonly Sql ByCanonical = new(d =>
        $"SELECT {d.Top("@cap")} {CandidateColumns} FROM firearm_serial s WHERE s.canonical = @canonical AND {VisibleTo} {d.Limit("@cap")}");

    private static readonly Sql ByCanonicalRange = new(d =>
        $"SELECT {d.Top("@cap")} {CandidateColumns} FROM firearm_serial s WHERE s.canonical >= @from AND s.canonical < @to AND {VisibleTo} {d.Limit("@cap")}");

    private static readonly Sql ByReversedRange = new(d =>
        $"SELECT {d.Top("@cap")} {CandidateColumns} FROM firearm_serial s WHERE s.reversed >= @from AND s.reversed < @to AND {VisibleTo} {d.Limit("@cap")}");

    private static readonly Sql ProbeKey = new(d =>
        $"SELECT COUNT(*) FROM (SELECT {d.Top("@limit")} 1 AS one FROM serial_key WHERE key_value = @key {d.Limit("@limit")}) t");

    /// <summary>Serials holding all three keys (repeat a key when there are fewer), driven by the first.</summary>
    private static readonly Sql ByAllKeys = new(d => $"""
        SELECT {d.Top("@cap")} {CandidateColumns}
        FROM serial_key k1 JOIN firearm_serial s ON s.id = k1.serial_id
        WHERE k1.key_value = @k1
          AND EXISTS (SELECT 1 FROM serial_key k2 WHERE k2.key_value = @k2 AND k2.serial_id = k1.serial_id)
          AND EXISTS (SELECT 1 FROM serial_key k3 WHERE k3.key_value = @k3 AND k3.serial_id = k1.serial_id)
          AND {VisibleTo}
        {d.Limit("@cap")}
        """);

    /// <summary>
    /// Serials holding any of the keys, passed as one list: a distance-2 query has thousands of keys, more than
    /// a statement should carry as parameters.
    /// </summary>
    private static readonly Sql ByAnyKey = new(d => $"""
        SELECT DISTINCT {d.Top("@cap")} {CandidateColumns}
        FROM serial_key k JOIN firearm_serial s ON s.id = k.serial_id
        WHERE k.key_value IN {d.IdList("@keys")} AND {VisibleTo} {d.Limit("@cap")}
        """);

    public static readonly Sql SelectSerials = new("SELECT id, canonical FROM firearm_serial WHERE firearm_id = @firearmId");

    public static readonly Sql DeleteKey = new("DELETE FROM serial_key WHERE key_value = @Key AND serial_id = @SerialId");

    public static readonly Sql DeleteSerials = new("DELETE FROM firearm_serial WHERE firearm_id = @firearmId");

    public static readonly Sql InsertSerial = new(d => d.InsertReturningId(
        "INSERT INTO firearm_serial (firearm_id, location, serial, normalized, canonical, reversed, owner_agency_id, visibility_scope)",
        "VALUES (@FirearmId, @Location, @Serial, @Normalized, @Canonical, @Reversed, @OwnerAgencyId, @VisibilityScope)"));

    /// <summary>All keys of one serial (<c>@keys</c>, a <see cref="SqlList"/>) in one statement: a serial has about twenty.</summary>
    public static readonly Sql InsertKeys = new(d => $"INSERT INTO serial_key (key_value, serial_id) SELECT k.value, @serialId FROM {d.IdRows("@keys")} k");

    /// <summary>(key, serial id) pairs of many serials (<c>@pairs</c>, see <see cref="ISqlDialect.PairRows"/>) in one statement, in the order given.</summary>
    public static readonly Sql InsertKeyPairs = new(d =>
        $"INSERT INTO serial_key (key_value, serial_id) SELECT p.pair_first, p.pair_second FROM {d.PairRows("@pairs")} p");

    private static readonly Sql CountTrigrams = new(
        "SELECT key_value, COUNT(*) AS postings FROM serial_key WHERE key_value < @limit GROUP BY key_value");

    public static Task<List<SerialCandidate>> ByCanonicalAsync(SqlSession session, CandidateScope scope, string canonical, int cap) =>
        session.QueryAsync<SerialCandidate>(ByCanonical, new { canonical, cap, callerAgencyId = scope.CallerAgencyId, callerCountry = scope.CallerCountry });

    /// <summary>Serials whose canonical form (or its reverse, with <paramref name="reversed"/>) lies in [from, to).</summary>
    public static Task<List<SerialCandidate>> ByRangeAsync(SqlSession session, CandidateScope scope, bool reversed, string from, string to, int cap) =>
        session.QueryAsync<SerialCandidate>(reversed ? ByReversedRange : ByCanonicalRange, new { from, to, cap, callerAgencyId = scope.CallerAgencyId, callerCountry = scope.CallerCountry });

    /// <summary>How many serials hold <paramref name="key"/>, counted up to <paramref name="limit"/>.</summary>
    public static Task<long> CountKeyAsync(SqlSession session, long key, int limit) =>
        session.QuerySingleAsync<long>(ProbeKey, new { key, limit });

    public static Task<List<SerialCandidate>> ByAllKeysAsync(SqlSession session, CandidateScope scope, long k1, long k2, long k3, int cap) =>
        session.QueryAsync<SerialCandidate>(ByAllKeys, new { k1, k2, k3, cap, callerAgencyId = scope.CallerAgencyId, callerCountry = scope.CallerCountry });

    public static Task<List<SerialCandidate>> ByAnyKeyAsync(SqlSession session, CandidateScope scope, IReadOnlyList<long> keys, int cap) =>
        session.QueryAsync<SerialCandidate>(ByAnyKey, new { keys = SqlList.Of(keys), cap, callerAgencyId = scope.CallerAgencyId, callerCountry = scope.CallerCountry });

    public static Task<List<TrigramCount>> CountTrigramsAsync(SqlSession session, long limit) =>
        session.QueryAsync<TrigramCount>(CountTrigrams, new { limit });

    /// <summary>Whose candidates a lookup reads: the records visible to this agency and country.</summary>
    public sealed record CandidateScope(long CallerAgencyId, string? CallerCountry);

    public sealed class TrigramCount
    {
        public long KeyValue { get; set; }
        public long Postings { get; set; }
    }
}
