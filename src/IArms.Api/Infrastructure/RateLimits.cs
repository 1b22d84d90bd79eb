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
    /// <summary>The permits this request takes from its budget (one is taken before the body is read, the rest after).</summary>
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
/// Counts every /api/v1 request against its caller's budget (its API key's, or its address's when it has no valid
/// key) and answers <c>RateLimit-Limit</c>, <c>RateLimit-Remaining</c> and <c>RateLimit-Reset</c> (seconds) on every
/// response, refusals of authentication, authorization and binding included; beyond the budget, a 429 problem with
/// <c>Retry-After</c>. It runs after authentication (so the key is known) and before authorization; a refused request
/// is audited with outcome <c>rate-limited</c> and, like a denial, not answered if that entry cannot be written.
/// </summary>
public sealed class RateLimitMiddleware(
    RequestDelegate next, ApiRateLimiter limiter, Audit.AuditLog audit, TimeProvider clock, ILogger<RateLimitMiddleware> logger)
{
    public const string LimitHeader = "RateLimit-Limit";
    public const string RemainingHeader = "RateLimit-Remaining";
    public const string ResetHeader = "RateLimit-Reset";

    /// <summary>The budget and partition a request was counted in, for <see cref="RateLimitCostFilter"/>.</summary>
    internal const string ChargedItem = "iarms:rate-limit";

    public async Task InvokeAsync(HttpContext http)
    {
        if (!limiter.Options.Enabled || !http.Request.Path.StartsWithSegments(IArmsApp.ApiBase, StringComparison.Ordinal))
        {
            await next(http);
            return;
        }
        var budget = http.GetEndpoint()?.Metadata.GetMetadata<RateBudgetMetadata>()?.Budget
            ?? (HttpMethods.IsGet(http.Request.Method) || HttpMethods.IsHead(http.Request.Method) ? RateBudgets.Reads : RateBudgets.Writes);
        var partition = http.User.Identity?.IsAuthenticated == true
            ? "key:" + Caller.From(http.User).KeyId.ToString(CultureInfo.InvariantCulture)
            : "address:" + (http.Connection.RemoteIpAddress?.ToString() ?? "");
        var decision = await limiter.AcquireAsync(budget, partition, 1, http.RequestAborted);
        http.Items[ChargedItem] = (budget, partition);
        if (decision.Acquired)
        {
            SetHeaders(http, decision);
            await next(http);
            return;
        }
        try
        {
            await audit.WriteAsync(Audit.AuditEntries.For(http, clock, Audit.AuditOutcomes.RateLimited, StatusCodes.Status429TooManyRequests), [], CancellationToken.None);
        }
        catch (Exception e)
        {
            logger.LogCritical(e, "The audit entry of a rate-limited request could not be written");
            await Audit.AuditEntries.Unavailable(http, "The request could not be audited, so it was not answered. Retry in a few seconds.").ExecuteAsync(http);
            return;
        }
        SetHeaders(http, decision);
        await TooMany(http, budget, decision, 1).ExecuteAsync(http);
    }

    /// <summary>The latest decision about the request, written into the headers as the response starts.</summary>
    private const string DecisionItem = "iarms:rate-limit-decision";

    /// <summary>
    /// Sets the headers as the response starts, not now: the exception handler clears the headers of a request that
    /// failed to bind before it writes its 400, and those answers must carry them too.
    /// </summary>
    internal static void SetHeaders(HttpContext http, ApiRateLimiter.Decision decision)
    {
        var first = !http.Items.ContainsKey(DecisionItem);
        http.Items[DecisionItem] = decision;
        if (!first)
        {
            return;
        }
        http.Response.OnStarting(state =>
        {
            var context = (HttpContext)state;
            if (context.Items[DecisionItem] is ApiRateLimiter.Decision latest)
            {
                var headers = context.Response.Headers;
                headers[LimitHeader] = latest.Limit.ToString(CultureInfo.InvariantCulture);
                headers[RemainingHeader] = latest.Remaining.ToString(CultureInfo.InvariantCulture);
                headers[ResetHeader] = latest.ResetSeconds.ToString(CultureInfo.InvariantCulture);
            }
            return Task.CompletedTask;
        }, http);
    }

    internal static ProblemHttpResult TooMany(HttpContext http, string budget, ApiRateLimiter.Decision decision, int cost)
    {
        http.Response.Headers.RetryAfter = decision.ResetSeconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(
            $"Your key has used its {budget} budget of {decision.Limit} per window{(cost > 1 ? $" (this request costs {cost})" : "")}. " +
            $"Retry after {decision.ResetSeconds} seconds; the other budgets are not affected.",
            statusCode: StatusCodes.Status429TooManyRequests, title: "Too many requests.");
    }
}

/// <summary>
/// Charges a request that costs more than one permit (a batch search: one per item) the rest of its cost, once its body
/// is bound: <see cref="RateLimitMiddleware"/> has taken the first permit before the body was read. Set on the API's
/// root group inside the audit filter, so its 429 is audited too.
/// </summary>
public sealed class RateLimitCostFilter(ApiRateLimiter limiter) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var cost = context.Arguments.OfType<IRateLimitCost>().Sum(a => a.RateLimitCost);
        if (cost <= 1 || http.Items[RateLimitMiddleware.ChargedItem] is not (string budget, string partition))
        {
            return await next(context);
        }
        // A batch larger than the whole budget could never run: it takes the whole window instead.
        var rest = Math.Min(cost, limiter.Options.For(budget).PermitLimit) - 1;
        if (rest < 1)
        {
            return await next(context);
        }
        var decision = await limiter.AcquireAsync(budget, partition, rest, http.RequestAborted);
        RateLimitMiddleware.SetHeaders(http, decision);
        return decision.Acquired ? await next(context) : RateLimitMiddleware.TooMany(http, budget, decision, cost);
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

    /// <summary>
    /// Declares the group's routes rate-limited and charges multi-permit requests their full cost (see
    /// <see cref="RateLimitMiddleware"/>, which counts every request, and <see cref="RateLimitCostFilter"/>).
    /// </summary>
    public static RouteGroupBuilder WithRateLimits(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter<RateLimitCostFilter>();
        group.WithMetadata(new RateLimitedMetadata());
        group.ProducesProblem(StatusCodes.Status429TooManyRequests);
        return group;
    }

    /// <summary>Counts the route's requests against <paramref name="budget"/> (one of <see cref="RateBudgets"/>) instead of the one its method implies.</summary>
    public static RouteHandlerBuilder RateBudget(this RouteHandlerBuilder builder, string budget) =>
        builder.WithMetadata(new RateBudgetMetadata(budget));
}

public static class RateLimitMiddlewareExtensions
{
    /// <summary>Counts every /api/v1 request against its caller's budget; after authentication, before authorization.</summary>
    public static WebApplication UseRateLimits(this WebApplication app)
    {
        app.UseMiddleware<RateLimitMiddleware>();
        return app;
    }
}
