using IArms.Api.Data;
using IArms.Core.Serials;

namespace IArms.Api.Search;

/// <summary>
/// How many serials hold each trigram key, kept in memory (one counter per possible trigram, 1 MiB)
/// so that a wildcard or partial search can drive its lookup from the rarest trigrams without asking
/// the database first. Loaded in the background at start-up and kept current by this instance's writes;
/// other instances' writes make the counts drift slightly, which only affects which keys are tried first.
/// </summary>
public sealed class TrigramStatistics(Db db, ILogger<TrigramStatistics> logger) : BackgroundService
{
    private readonly int[] _counts = new int[SerialKeys.TrigramKeyLimit];
    private volatile bool _loaded;

    /// <summary>False until the counts are loaded; callers then fall back to asking the database.</summary>
    public bool IsLoaded => _loaded;

    public int Count(long trigramKey) => Volatile.Read(ref _counts[trigramKey]);

    /// <summary>Applies a committed write's key changes: −1 for each removed key, +1 for each stored one.</summary>
    public void Apply(SerialIndex.KeyChanges changes)
    {
        Apply(changes.Removed, -1);
        Apply(changes.Added, +1);
    }

    private void Apply(IEnumerable<long> keys, int delta)
    {
        foreach (var key in keys)
        {
            if (SerialKeys.IsTrigramKey(key))
            {
                Interlocked.Add(ref _counts[key], delta);
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var started = DateTime.UtcNow;
            await using var session = await db.ReadAsync(stoppingToken);
            var rows = await SearchQueries.CountTrigramsAsync(session, SerialKeys.TrigramKeyLimit);
            foreach (var row in rows)
            {
                Interlocked.Add(ref _counts[row.KeyValue], (int)row.Postings);
            }
            _loaded = true;
            logger.LogInformation("Trigram statistics loaded in {Seconds:F1} s", (DateTime.UtcNow - started).TotalSeconds);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Trigram statistics could not be loaded; searches will ask the database instead");
        }
    }
}
