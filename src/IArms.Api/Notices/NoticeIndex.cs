using IArms.Api.Agencies;
using IArms.Api.Data;
using IArms.Api.Firearms;
using IArms.Core.Analysis;

namespace IArms.Api.Notices;

/// <summary>
/// What the search needs to know about active notices, kept so that the exact search stays cheap: whether any active
/// notice names records at all (when none does, no lookup is made), and the active serial runs, which are few and matched
/// in memory. Reloaded when this process changes a notice, and otherwise at most <see cref="MaxAge"/> after the last
/// load, so another instance's new notice shows within that time.
/// </summary>
public sealed class NoticeIndex(TimeProvider clock)
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(5);

    private volatile Snapshot? _snapshot;
    private readonly SemaphoreSlim _loading = new(1, 1);

    private sealed record Run(NoticeQueries.RunRow Row, IReadOnlySet<string> Countries);

    private sealed record Snapshot(bool AnyNamed, IReadOnlyList<Run> Runs, DateTimeOffset LoadedAt);

    public void Invalidate() => _snapshot = null;

    /// <summary>
    /// For each of the search's results, the active notices addressed to the searcher's country (or sent by the
    /// searcher) that name it or whose serial run covers one of its serials, with the sender's agency id.
    /// </summary>
    public async Task<Dictionary<long, List<(SearchNotice Notice, long SenderId)>>> MatchAsync(
        SqlSession session, IReadOnlyList<(FirearmRow Row, string MatchedSerial)> results, Caller caller)
    {
        var found = new Dictionary<long, List<(SearchNotice, long)>>();
        if (results.Count == 0)
        {
            return found;
        }
        var snapshot = await CurrentAsync(session);
        var now = clock.GetUtcNow();
        if (snapshot.AnyNamed)
        {
            foreach (var n in await NoticeQueries.NamingAsync(session, results.Select(r => r.Row.Id), caller.AgencyId, caller.CountryCode, now))
            {
                Add(found, n.FirearmId, new SearchNotice(n.Id, n.Kind, n.Title, n.IssuingAgency), n.AgencyId);
            }
        }
        foreach (var run in snapshot.Runs)
        {
            var r = run.Row;
            if (r.ExpiresAt <= now || !(r.AgencyId == caller.AgencyId || r.AllCountries || (caller.CountryCode is { } c && run.Countries.Contains(c))))
            {
                continue;
            }
            foreach (var (row, matched) in results)
            {
                if (row.CanonicalMake == r.RunMake && (Covers(r, row.SerialNumber) || Covers(r, matched)))
                {
                    Add(found, row.Id, new SearchNotice(r.Id, r.Kind, r.Title, r.IssuingAgency), r.AgencyId);
                }
            }
        }
        return found;
    }

    private static bool Covers(NoticeQueries.RunRow run, string? serial) =>
        SerialShape.Of(serial) is { } shape && shape.Skeleton == run.RunSkeleton && shape.Number >= run.RunFirstNumber && shape.Number <= run.RunLastNumber;

    private static void Add(Dictionary<long, List<(SearchNotice, long)>> found, long firearmId, SearchNotice notice, long senderId)
    {
        if (!found.TryGetValue(firearmId, out var list))
        {
            found[firearmId] = list = [];
        }
        if (!list.Exists(x => x.Item1.Id == notice.Id))
        {
            list.Add((notice, senderId));
        }
    }

    private async Task<Snapshot> CurrentAsync(SqlSession session)
    {
        var now = clock.GetUtcNow();
        if (_snapshot is { } s && now - s.LoadedAt < MaxAge && now >= s.LoadedAt)
        {
            return s;
        }
        await _loading.WaitAsync(session.Cancellation);
        try
        {
            if (_snapshot is { } again && now - again.LoadedAt < MaxAge && now >= again.LoadedAt)
            {
                return again;
            }
            var anyNamed = await NoticeQueries.AnyNamedAsync(session, now);
            var countries = (await NoticeQueries.RunCountriesAsync(session, now)).ToLookup(c => c.NoticeId, c => c.CountryCode);
            var runs = (await NoticeQueries.ActiveRunsAsync(session, now))
                .Select(r => new Run(r, countries[r.Id].ToHashSet(StringComparer.Ordinal))).ToList();
            var loaded = new Snapshot(anyNamed, runs, now);
            _snapshot = loaded;
            return loaded;
        }
        finally
        {
            _loading.Release();
        }
    }
}
