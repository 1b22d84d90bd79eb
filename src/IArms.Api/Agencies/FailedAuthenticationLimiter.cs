using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace IArms.Api.Agencies;

/// <summary>How many wrong API keys one client address may present before it is told to wait.</summary>
public sealed class AuthenticationLimitOptions
{
    public const string Section = "Authentication";

    /// <summary>Failed attempts allowed per address within <see cref="WindowSeconds"/>; the next one answers 429.</summary>
    [Range(1, 1_000_000)]
    public int FailedAttemptLimit { get; set; } = 20;

    [Range(1, 86_400)]
    public int WindowSeconds { get; set; } = 60;
}

/// <summary>
/// A sliding window of failed authentications per client address, so that guessing keys costs a
/// minute every few attempts. Only failures count: a busy client with a valid key is never slowed.
/// While an address is over the limit no key from it is checked at all, so a guess cannot be
/// confirmed by a success either.
/// </summary>
/// <remarks>
/// In memory and per instance: behind a load balancer each instance counts its own share, which
/// still bounds the guessing rate. Behind a reverse proxy every client has the proxy's address
/// unless forwarded headers are configured, and then they share one window.
/// </remarks>
public sealed class FailedAuthenticationLimiter(IOptions<AuthenticationLimitOptions> options, TimeProvider clock)
{
    // Beyond this many tracked addresses, stale ones are dropped on the next failure: memory stays bounded
    // when failures come from many addresses.
    private const int SweepThreshold = 10_000;

    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);

    private TimeSpan Window => TimeSpan.FromSeconds(options.Value.WindowSeconds);

    /// <summary>True when the address has used up its failed attempts; <paramref name="retryAfter"/> says until when.</summary>
    public bool IsLimited(string address, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (!_failures.TryGetValue(address, out var times))
        {
            return false;
        }
        var now = clock.GetUtcNow();
        lock (times)
        {
            Expire(times, now);
            if (times.Count < options.Value.FailedAttemptLimit)
            {
                return false;
            }
            retryAfter = times.Peek() + Window - now;
            return true;
        }
    }

    public void RecordFailure(string address)
    {
        var now = clock.GetUtcNow();
        if (_failures.Count > SweepThreshold)
        {
            Sweep(now);
        }
        var times = _failures.GetOrAdd(address, _ => new Queue<DateTimeOffset>());
        lock (times)
        {
            Expire(times, now);
            times.Enqueue(now);
        }
    }

    private void Expire(Queue<DateTimeOffset> times, DateTimeOffset now)
    {
        while (times.Count > 0 && times.Peek() <= now - Window)
        {
            times.Dequeue();
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var (address, times) in _failures)
        {
            lock (times)
            {
                Expire(times, now);
                if (times.Count == 0)
                {
                    _failures.TryRemove(new KeyValuePair<string, Queue<DateTimeOffset>>(address, times));
                }
            }
        }
    }
}
