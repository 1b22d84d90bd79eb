using System.Data.Common;
using Dapper;
using IArms.Api.Agencies;
using IArms.Api.Data;
using IArms.Api.Firearms;
using IArms.Core.Serials;

namespace IArms.Api.Search;

/// <summary>A serial row that may match the query; verified in memory by <see cref="SerialMatcher"/>.</summary>
public sealed class SerialCandidate
{
    public long SerialId { get; set; }
    public long FirearmId { get; set; }
    public string Location { get; set; } = "";
    public string Serial { get; set; } = "";
}

/// <summary>What the index lookups found: verified matches, best per record, and whether anything was cut.</summary>
public sealed record SerialMatches(IReadOnlyDictionary<long, (SerialCandidate Serial, SerialMatch Match)> ByFirearm, bool Truncated);

/// <summary>
/// Finds the records whose serials (main or other) match a query, without scanning the table:
/// equal canonical forms come from an index seek; wildcard and partial candidates from the
/// rarest padded trigrams of the pattern; fuzzy candidates from the PassJoin segment keys
/// (see <see cref="SerialKeys"/>). Every candidate is then verified by the Core matcher, so
/// the index only has to be complete, never exact.
/// </summary>
public sealed class SerialSearch(Db db)
{
    /// <summary>Candidates examined per strategy; a query that reaches it is reported as truncated.</summary>
    public const int CandidateCap = 5000;

    /// <summary>How far a key's postings are counted when choosing the rarest keys to drive a lookup.</summary>
    private const int ProbeLimit = 20_000;

    private const string CandidateColumns =
        "s.id AS SerialId, s.firearm_id AS FirearmId, s.location AS Location, s.serial AS Serial";

    private static readonly SqlText ByCanonical = new(
        $"SELECT {CandidateColumns} FROM firearm_serial s WHERE s.canonical = @canonical LIMIT @cap",
        $"SELECT TOP (@cap) {CandidateColumns} FROM firearm_serial s WHERE s.canonical = @canonical");

    private static readonly SqlText ProbeKey = new(
        "SELECT COUNT(*) FROM (SELECT 1 FROM serial_key WHERE key_value = @key LIMIT @limit)",
        "SELECT COUNT(*) FROM (SELECT TOP (@limit) 1 AS one FROM serial_key WHERE key_value = @key) t");

    private const string AllKeysFilter = """
        FROM serial_key k1 JOIN firearm_serial s ON s.id = k1.serial_id
        WHERE k1.key_value = @k1
          AND EXISTS (SELECT 1 FROM serial_key k2 WHERE k2.key_value = @k2 AND k2.serial_id = k1.serial_id)
          AND EXISTS (SELECT 1 FROM serial_key k3 WHERE k3.key_value = @k3 AND k3.serial_id = k1.serial_id)
        """;

    /// <summary>Serials holding all three keys (repeat a key when there are fewer), driven by the first.</summary>
    private static readonly SqlText ByAllKeys = new(
        $"SELECT {CandidateColumns} {AllKeysFilter} LIMIT @cap",
        $"SELECT TOP (@cap) {CandidateColumns} {AllKeysFilter}");

    private static readonly SqlText ByAnyKey = new(
        $"SELECT DISTINCT {CandidateColumns} FROM serial_key k JOIN firearm_serial s ON s.id = k.serial_id WHERE k.key_value IN @keys LIMIT @cap",
        $"SELECT DISTINCT TOP (@cap) {CandidateColumns} FROM serial_key k JOIN firearm_serial s ON s.id = k.serial_id WHERE k.key_value IN @keys");

    public async Task<SerialMatches> FindAsync(SearchQuery query, CancellationToken ct)
    {
        await using var connection = await db.OpenReadOnlyAsync(ct);
        var found = new Dictionary<long, (SerialCandidate, SerialMatch)>();
        var truncated = false;

        void Verify(IReadOnlyCollection<SerialCandidate> candidates)
        {
            truncated |= candidates.Count >= CandidateCap;
            foreach (var candidate in candidates)
            {
                if (SerialMatcher.Match(query, candidate.Serial) is not { } match)
                {
                    continue;
                }
                if (!found.TryGetValue(candidate.FirearmId, out var best) || SerialMatcher.Compare(match, best.Item2) < 0)
                {
                    found[candidate.FirearmId] = (candidate, match);
                }
            }
        }

        if (query.HasWildcards)
        {
            Verify(await ByRarestKeysAsync(connection, SerialKeys.ForPattern(query.Pattern), ct));
            return new SerialMatches(found, truncated);
        }

        Verify(await QueryAsync(connection, ByCanonical, new { canonical = query.Canonical, cap = CandidateCap }, ct));
        if (query.Canonical.Length >= SerialKeys.MinimumFuzzyLength)
        {
            Verify(await ByRarestKeysAsync(connection, SerialKeys.ForPartial(query.Canonical), ct));
        }
        var threshold = DamerauLevenshtein.FuzzyThreshold(query.Canonical.Length + SerialKeys.MaximumFuzzyDistance);
        if (threshold > 0 && query.Canonical.Length >= SerialKeys.MinimumFuzzyLength)
        {
            var keys = SerialKeys.ForFuzzy(query.Canonical, Math.Min(threshold, SerialKeys.MaximumFuzzyDistance));
            if (keys.Count > 0)
            {
                Verify(await QueryAsync(connection, ByAnyKey, new { keys, cap = CandidateCap }, ct));
            }
        }
        return new SerialMatches(found, truncated);
    }

    /// <summary>Candidates holding every one of the (up to) three rarest keys; empty when there are no keys.</summary>
    private async Task<IReadOnlyCollection<SerialCandidate>> ByRarestKeysAsync(DbConnection connection, IReadOnlyList<long> keys, CancellationToken ct)
    {
        if (keys.Count == 0)
        {
            return [];
        }
        var counted = new List<(long Key, long Count)>(keys.Count);
        foreach (var key in keys.Distinct())
        {
            var count = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                db.Sql(ProbeKey), new { key, limit = ProbeLimit }, cancellationToken: ct));
            if (count == 0)
            {
                return []; // a key nobody holds: nothing can match
            }
            counted.Add((key, count));
        }
        var rarest = counted.OrderBy(c => c.Count).ThenBy(c => c.Key).Select(c => c.Key).ToList();
        return await QueryAsync(connection, ByAllKeys, new
        {
            k1 = rarest[0],
            k2 = rarest[Math.Min(1, rarest.Count - 1)],
            k3 = rarest[Math.Min(2, rarest.Count - 1)],
            cap = CandidateCap,
        }, ct);
    }

    private async Task<IReadOnlyCollection<SerialCandidate>> QueryAsync(DbConnection connection, SqlText sql, object parameters, CancellationToken ct) =>
        (await connection.QueryAsync<SerialCandidate>(new CommandDefinition(db.Sql(sql), parameters, cancellationToken: ct))).AsList();
}
