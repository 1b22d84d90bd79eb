using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Diagnostics;
using System.Globalization;
using System.Threading.RateLimiting;
using IArms.Api.Agencies;
using Microsoft.Extensions.Options;

namespace IArms.Api.Infrastructure;

/// <summary>The budgets a request can be counted against (a closed vocabulary: configuration keys and docs use these names).</summary>
public static class RateBudgets
{
    /// <summary>Serial searches, one by one or in batches: the expensive reads a hub sends most.</summary>
    public const string Searches = "searches";

    /// <summary>Every other POST, PUT and DELETE.</summary>
    public const string Writes = "writes";

    /// <summary>Everything else (GETs).</summary>
    public const string Reads = "reads";

    public static readonly IReadOnlyList<string> All = [Searches, Writes, Reads];
}

/// <summary>One budget: <see cref="PermitLimit"/> requests per <see cref="WindowSeconds"/>, fixed windows, nothing queued by default.</summary>
public sealed class RateBudgetOptions
{
    [Range(1, 100_000_000)]
    public int PermitLimit { get; set; }

    [Range(1, 86_400)]
    public int WindowSeconds { get; set; } = 60;

    /// <summary>Requests that wait for the next window instead of a 429; 0 answers at once, as a client can retry itself.</summary>
    [Range(0, 10_000)]
    public int QueueLimit { get; set; }
}

/// <summary>
/// <c>IArms:RateLimits</c>: one budget per API key (per client address for calls without a valid key) and per kind of
/// request. The defaults let one national hub run about 2,000 searches and 1,000 writes a second.
/// </summary>
public sealed class RateLimitOptions
{
    public const string Section = "IArms:RateLimits";

    /// <summary>False turns the limits off (benchmarks; a deployment that limits at its gateway).</summary>
    public bool Enabled { get; set; } = true;

    public RateBudgetOptions Searches { get; set; } = new() { PermitLimit = 120_000 };

    public RateBudgetOptions Writes { get; set; } = new() { PermitLimit = 60_000 };

    public RateBudgetOptions Reads { get; set; } = new() { PermitLimit = 60_000 };

    public RateBudgetOptions For(string budget) => budget switch
    {
        RateBudgets.Searches => Searches,
        RateBudgets.Writes => Writes,
        _ => Reads,
    };
}

/// <summary>
/// Endpoint metadata: the route is rate-limited, answers <c>RateLimit-Limit</c>, <c>RateLimit-Remaining</c> and
/// <c>RateLimit-Reset</c>, and 429 with <c>Retry-After</c> (for the contract's filters).
/// </summary>
public sealed record RateLimitedMetadata;

/// <summary>Endpoint metadata: the budget a route's requests count against when it is not the one its method implies.</summary>
public sealed record RateBudgetMetadata(string Budget);

/// <summary>A request body that costs more than one permit (a batch search costs one per item).</summary>
public interface IRateLimitCost
{
    /// <summary>The permits this request takes from its budget.</summary>
    int RateLimitCost { get; }
}

/// <summary>
/// The per-key budgets, counted by System.Threading.RateLimiting's <see cref="FixedWindowRateLimiter"/>, one per key and
/// budget. The windows are replenished here rather than by a timer so that the start of each window is known, which
/// the <c>RateLimit-Reset</c> header needs and the limiter does not expose.
/// </summary>
/// <remarks>
/// In memory and per instance, like the failed-authentication limiter: behind a load balancer each instance counts
/// its own share, so the limits are per instance. Idle partitions are forgotten wholesale past
/// <see cref="MaxPartitions"/>, which can only ever grant more.
/// </remarks>
public sealed class ApiRateLimiter(IOptions<RateLimitOptions> options) : IDisposable
{
    private const int MaxPartitions = 100_000;

    private readonly ConcurrentDictionary<(string Budget, string Partition), Window> _windows = new();

    public RateLimitOptions Options => options.Value;

    /// <summary>What one acquisition decided, with the facts for the RateLimit headers.</summary>
    public readonly record struct Decision(bool Acquired, int Limit, int Remaining, int ResetSeconds);

    public async ValueTask<Decision> AcquireAsync(string budget, string partition, int cost, CancellationToken ct)
    {
        if (_windows.Count > MaxPartitions)
        {
            foreach (var window in _windows.Values)
            {
                window.Dispose();
            }
            _windows.Clear();
        }
        var settings = Options.For(budget);
        var slot = _windows.GetOrAdd((budget, partition), _ => new Window(settings));
        // A batch larger than the whole budget could never run: it takes the whole window instead.
        var permits = Math.Clamp(cost, 1, settings.PermitLimit);
        slot.ReplenishIfDue();
        using var lease = await slot.Limiter.AcquireAsync(permits, ct);
        if (!lease.IsAcquired)
        {
            // Queued requests that timed out of their window land here too; recheck the window once.
            slot.ReplenishIfDue();
        }
        var remaining = (int)(slot.Limiter.GetStatistics()?.CurrentAvailablePermits ?? 0);
        return new Decision(lease.IsAcquired, settings.PermitLimit, Math.Max(0, remaining), slot.ResetSeconds());
    }

    public void Dispose()
    {
        foreach (var window in _windows.Values)
        {
            window.Dispose();
        }
    }

    private sealed class Window(RateBudgetOptions settings) : IDisposable
    {
        private readonly long _length = (long)(TimeSpan.FromSeconds(settings.WindowSeconds).TotalSeconds * Stopwatch.Frequency);
        // Read after the limiter is made, so the limiter's own window never starts later than this one.
        private long _start = Stopwatch.GetTimestamp();
        private readonly Lock _replenishing = new();

        public FixedWindowRateLimiter Limiter { get; } = new(new FixedWindowRateLimiterOptions
        {
            PermitLimit = settings.PermitLimit,
            Window = TimeSpan.FromSeconds(settings.WindowSeconds),
            QueueLimit = settings.QueueLimit,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = false,
        });

        public void ReplenishIfDue()
        {
            if (Stopwatch.GetTimestamp() - Interlocked.Read(ref _start) < _length)
            {
                return;
            }
            lock (_replenishing)
            {
                if (Stopwatch.GetTimestamp() - _start < _length)
                {
                    return;
                }
                Limiter.TryReplenish();
                // After the limiter's own replenishment, for the same reason as above.
                Interlocked.Exchange(ref _start, Stopwatch.GetTimestamp());
            }
        }

        public int ResetSeconds()
        {
            var left = _length - (Stopwatch.GetTimestamp() - Interlocked.Read(ref _start));
            return (int)Math.Max(1, Math.Ceiling((double)left / Stopwatch.Frequency));
        }

        public void Dispose() => Limiter.Dispose();
    }
}

/// <summary>
/// Counts every /api/v1 request against its caller's budget and answers <c>RateLimit-Limit</c>,
/// <c>RateLimit-Remaining</c> and <c>RateLimit-Reset</c> (seconds) on every response that reaches a route; beyond the
/// budget, a 429 problem with <c>Retry-After</c>. Set on the API's root group inside the audit filter, so a refused
/// request is audited (as <c>rate-limited</c>) like any other refusal.
/// </summary>
public sealed class RateLimitFilter(ApiRateLimiter limiter) : IEndpointFilter
{
    public const string LimitHeader = "RateLimit-Limit";
    public const string RemainingHeader = "RateLimit-Remaining";
    public const string ResetHeader = "RateLimit-Reset";

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!limiter.Options.Enabled)
        {
            return await next(context);
        }
        var http = context.HttpContext;
        var budget = http.GetEndpoint()?.Metadata.GetMetadata<RateBudgetMetadata>()?.Budget
            ?? (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) ? RateBudgets.Reads : RateBudgets.Writes);
        var partition = http.User.Identity?.IsAuthenticated == true
            ? "key:" + Caller.From(http.User).KeyId.ToString(CultureInfo.InvariantCulture)
            : "address:" + (http.Connection.RemoteIpAddress?.ToString() ?? "");
        var cost = context.Arguments.OfType<IRateLimitCost>().Sum(a => a.RateLimitCost);

        var decision = await limiter.AcquireAsync(budget, partition, Math.Max(1, cost), http.RequestAborted);
        var headers = http.Response.Headers;
        headers[LimitHeader] = decision.Limit.ToString(CultureInfo.InvariantCulture);
        headers[RemainingHeader] = decision.Remaining.ToString(CultureInfo.InvariantCulture);
        headers[ResetHeader] = decision.ResetSeconds.ToString(CultureInfo.InvariantCulture);
        if (!decision.Acquired)
        {
            headers.RetryAfter = decision.ResetSeconds.ToString(CultureInfo.InvariantCulture);
            return TypedResults.Problem(
                $"Your key has used its {budget} budget of {decision.Limit} per window{(cost > 1 ? $" (this request costs {cost})" : "")}. " +
                $"Retry after {decision.ResetSeconds} seconds; the other budgets are not affected.",
                statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests.");
        }
        return await next(context);
    }
}

public static class RateLimitExtensions
{
    public static IServiceCollection AddRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section)
            .Validate(o => RateBudgets.All.All(b => o.For(b).PermitLimit >= 1 && o.For(b).WindowSeconds >= 1 && o.For(b).QueueLimit >= 0),
                $"{RateLimitOptions.Section}: every budget needs PermitLimit >= 1, WindowSeconds >= 1 and QueueLimit >= 0.")
            .ValidateOnStart();
        services.AddSingleton<ApiRateLimiter>();
        return services;
    }

    /// <summary>Counts every route of the group against its caller's budgets (see <see cref="RateLimitFilter"/>).</summary>
    public static RouteGroupBuilder WithRateLimits(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter<RateLimitFilter>();
        group.WithMetadata(new RateLimitedMetadata());
        group.ProducesProblem(StatusCodes.Status429TooManyRequests);
        return group;
    }

    /// <summary>Counts the route's requests against <paramref name="budget"/> (one of <see cref="RateBudgets"/>) instead of the one its method implies.</summary>
    public static RouteHandlerBuilder RateBudget(this RouteHandlerBuilder builder, string budget) =>
        builder.WithMetadata(new RateBudgetMetadata(budget));
}
