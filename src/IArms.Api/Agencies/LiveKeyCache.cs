using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using IArms.Api.Data;

namespace IArms.Api.Agencies;

/// <summary>
/// The live keys authenticated in the last seconds, by hash, so that a request does not read <c>api_key</c> and its
/// agency again (on SQLite, after every commit, that read also re-reads its pages: every request of a busy service
/// paid it). A key is never changed, only revoked, and a revocation empties the cache as it commits, so on one
/// instance a revoked key stops working at once. Another instance on the same SQL Server database would not hear of
/// it, which is why the cache is off there unless <c>IArms:ApiKeyCacheSeconds</c> says otherwise.
/// </summary>
/// <remarks>
/// Unknown keys are never cached (a wrong guess costs a lookup, and the failed-attempt limiter counts it). A lookup
/// that read the key before a revocation committed must not put it back afterwards: entries are stored only if no
/// revocation happened since their lookup began (<see cref="Generation"/>), under the lock the revocation takes.
/// </remarks>
public sealed class LiveKeyCache(TimeSpan lifetime, TimeProvider clock)
{
    /// <summary>Setting: seconds a live key is trusted without reading it again (0 turns the cache off).</summary>
    public const string SecondsSetting = "IArms:ApiKeyCacheSeconds";

    /// <summary>Default on SQLite, where one process owns the file and revokes every key itself.</summary>
    public const int SqliteDefaultSeconds = 30;

    private readonly ConcurrentDictionary<KeyHash, Entry> _entries = new();
    private readonly Lock _lock = new();
    private readonly TimeSpan _lifetime = lifetime < TimeSpan.Zero ? TimeSpan.Zero : lifetime;
    private long _generation;

    /// <summary>The cache the service runs with: <see cref="SecondsSetting"/>, else on for SQLite and off for SQL Server.</summary>
    public static LiveKeyCache FromSettings(IConfiguration configuration, Db db, TimeProvider clock) => new(
        TimeSpan.FromSeconds(configuration.GetValue<int?>(SecondsSetting) ?? (db.Provider == DatabaseProvider.Sqlite ? SqliteDefaultSeconds : 0)),
        clock);

    public bool Enabled => _lifetime > TimeSpan.Zero;

    /// <summary>Taken before a lookup; <see cref="Store"/> keeps its result only if no revocation came in between.</summary>
    public long Generation => Interlocked.Read(ref _generation);

    public AgencyQueries.LiveKey? Find(byte[] hash)
    {
        if (!Enabled || !_entries.TryGetValue(KeyHash.Of(hash), out var entry))
        {
            return null;
        }
        if (entry.Expires > clock.GetUtcNow())
        {
            return entry.Key;
        }
        _entries.TryRemove(KeyValuePair.Create(KeyHash.Of(hash), entry));
        return null;
    }

    public void Store(byte[] hash, AgencyQueries.LiveKey key, long generation)
    {
        if (!Enabled)
        {
            return;
        }
        lock (_lock)
        {
            if (generation == _generation)
            {
                _entries[KeyHash.Of(hash)] = new Entry(key, clock.GetUtcNow() + _lifetime);
            }
        }
    }

    /// <summary>Forgets every key: called once a revocation has committed, before it is answered.</summary>
    public void Invalidate()
    {
        lock (_lock)
        {
            _generation++;
            _entries.Clear();
        }
    }

    private sealed record Entry(AgencyQueries.LiveKey Key, DateTimeOffset Expires);

    /// <summary>A SHA-256 as two 128-bit halves: a dictionary key without a string per request.</summary>
    private readonly record struct KeyHash(UInt128 High, UInt128 Low)
    {
        public static KeyHash Of(byte[] hash)
        {
            var halves = MemoryMarshal.Cast<byte, UInt128>(hash.AsSpan(0, 32));
            return new KeyHash(halves[0], halves[1]);
        }
    }
}
