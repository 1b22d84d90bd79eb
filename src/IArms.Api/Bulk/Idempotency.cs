using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IArms.Api.Agencies;
using IArms.Api.Infrastructure;
using Microsoft.Extensions.Primitives;

namespace IArms.Api.Bulk;

/// <summary>Endpoint metadata: the route honours <c>Idempotency-Key</c> (see <see cref="IdempotencyFilter"/>).</summary>
public sealed record IdempotentMetadata;

public static class IdempotencyExtensions
{
    public const string Header = "Idempotency-Key";

    /// <summary>Set on a replayed answer, so that a client (and a reader of its logs) can tell a replay from a first answer.</summary>
    public const string ReplayedHeader = "Idempotent-Replayed";

    /// <summary>The longest key accepted: 1 to this many visible ASCII characters.</summary>
    public const int MaxKeyLength = 255;

    /// <summary>
    /// Makes a creating POST safe to resend: with an <c>Idempotency-Key</c>, the same request within 24 hours is answered
    /// with the first answer, without doing the work again.
    /// </summary>
    public static RouteHandlerBuilder Idempotent(this RouteHandlerBuilder builder) => builder
        .WithMetadata(new IdempotentMetadata())
        .AddEndpointFilter<IdempotencyFilter>()
        .ProducesProblem(StatusCodes.Status409Conflict)
        .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    /// <summary>Registers the store and its purge.</summary>
    public static IServiceCollection AddIdempotency(this IServiceCollection services)
    {
        services.AddSingleton<IdempotencyQueries>();
        services.AddHostedService<IdempotencyPurge>();
        return services;
    }

    /// <summary>
    /// Keeps the body of an idempotent request readable after binding, so that the filter can hash the bytes the client
    /// sent. Only requests that carry the header to a route that honours it pay for the buffer (memory, then a temp file).
    /// </summary>
    public static IApplicationBuilder UseIdempotency(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        if (context.Request.Headers.ContainsKey(Header) && context.GetEndpoint()?.Metadata.GetMetadata<IdempotentMetadata>() is not null)
        {
            context.Request.EnableBuffering();
        }
        return next(context);
    });
}

/// <summary>
/// <c>Idempotency-Key</c> on a creating POST, per agency: the first request with a key claims it and its answer (status,
/// headers, body) is stored; the same key with the same request (method, path and body bytes) within 24 hours replays
/// that answer without running the handler; with another request it is a 422; while the first is still running, a 409.
/// Runs inside the audit filter, so a replay is audited like any answer, and after validation, so an invalid body
/// claims nothing. A request that throws or answers 5xx releases its key: nothing was done that a retry would repeat.
/// </summary>
/// <remarks>
/// The claim and the answer are two short writes outside the handler's own transaction. A process killed between them
/// leaves a claim without an answer, and whether its request took effect is unknown; such a claim is never taken over,
/// so a resend can never repeat an event or a trace request. Once it is older than
/// <see cref="IdempotencyQueries.InFlightTimeout"/>, a resend is told so (409) and looks before sending the request
/// again under a new key.
/// </remarks>
public sealed class IdempotencyFilter(IdempotencyQueries store, TimeProvider clock, ILogger<IdempotencyFilter> logger) : IEndpointFilter
{

    // The headers of the first answer that a replay repeats: those the handler or its result set for the client.
    private static readonly string[] ReplayedHeaders = ["Location", "ETag", "Content-Type", "Retry-After"];

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (!http.Request.Headers.TryGetValue(IdempotencyExtensions.Header, out var values))
        {
            return await next(context);
        }
        var key = values.ToString();
        if (values.Count != 1 || key.Length is 0 or > IdempotencyExtensions.MaxKeyLength || key.Any(c => c is < '!' or > '~'))
        {
            return Problems.BadRequest(IdempotencyExtensions.Header,
                $"'{IdempotencyExtensions.Header}' must be one value of 1 to {IdempotencyExtensions.MaxKeyLength} visible ASCII characters.");
        }

        var agencyId = Caller.From(http.User).AgencyId;
        var hash = await HashAsync(http.Request);
        var ct = http.RequestAborted;
        var held = await store.ClaimAsync(agencyId, key, hash, ct);
        if (held is not null)
        {
            return Answer(http, held, hash);
        }

        object? result;
        try
        {
            result = await next(context);
        }
        catch
        {
            await ReleaseQuietlyAsync(agencyId, key);
            throw;
        }

        var (status, headers, body) = await RenderAsync(http, result);
        if (status is null or >= 500)
        {
            await ReleaseQuietlyAsync(agencyId, key);
            return result;
        }
        await store.CompleteAsync(agencyId, key, status.Value, JsonSerializer.Serialize(headers), body, CancellationToken.None);
        return result;
    }

    private IResult Answer(HttpContext http, IdempotencyQueries.StoredEntry held, byte[] hash)
    {
        if (held.Status is null && held.CreatedAt < clock.GetUtcNow() - IdempotencyQueries.InFlightTimeout)
        {
            return Problems.Conflict(
                $"The first request with this {IdempotencyExtensions.Header} was interrupted before its answer was recorded, so whether it took effect " +
                "is unknown. Look for what it would have created (the record, its custody chain, your trace requests) before sending it again under a new key.");
        }
        if (held.Status is null)
        {
            http.Response.Headers.RetryAfter = "1";
            return Problems.Conflict($"A request with this {IdempotencyExtensions.Header} is still being processed; retry when it has been answered.");
        }
        if (!CryptographicOperations.FixedTimeEquals(held.RequestHash, hash))
        {
            return TypedResults.Problem(
                $"This {IdempotencyExtensions.Header} was used within the last 24 hours for a different request; use a new key for a new request.",
                statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency key reused.");
        }
        var headers = JsonSerializer.Deserialize<Dictionary<string, string[]>>(held.Headers ?? "{}") ?? [];
        return new Replay(held.Status.Value, headers, held.Body ?? []);
    }

    /// <summary>SHA-256 over the method, the path with its query, and the body's bytes, read from the buffer in pieces.</summary>
    private static async Task<byte[]> HashAsync(HttpRequest request)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{request.Method} {request.Path}{request.QueryString}\n"));
        if (request.Body.CanSeek)
        {
            request.Body.Position = 0;
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await request.Body.ReadAsync(buffer, request.HttpContext.RequestAborted)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
            request.Body.Position = 0;
        }
        return hash.GetHashAndReset();
    }

    /// <summary>
    /// Renders the handler's result as the client will receive it, into memory (answers of creating routes are one
    /// resource), together with the headers the handler set on the response; the result itself still answers this request.
    /// </summary>
    private static async Task<(int? Status, Dictionary<string, string[]> Headers, byte[] Body)> RenderAsync(HttpContext http, object? result)
    {
        if (result is not IResult answer)
        {
            return (null, [], []);
        }
        var rendered = new DefaultHttpContext { RequestServices = http.RequestServices, TraceIdentifier = http.TraceIdentifier };
        using var body = new MemoryStream();
        rendered.Response.Body = body;
        await answer.ExecuteAsync(rendered);
        var headers = new Dictionary<string, string[]>(StringComparer.OrdinalIgnoreCase);
        foreach (var name in ReplayedHeaders)
        {
            var value = StringValues.IsNullOrEmpty(rendered.Response.Headers[name]) ? http.Response.Headers[name] : rendered.Response.Headers[name];
            if (!StringValues.IsNullOrEmpty(value))
            {
                headers[name] = value.ToArray()!;
            }
        }
        return (rendered.Response.StatusCode, headers, body.ToArray());
    }

    private async Task ReleaseQuietlyAsync(long agencyId, string key)
    {
        try
        {
            await store.ReleaseAsync(agencyId, key, CancellationToken.None);
        }
        catch (Exception e)
        {
            // The claim then lapses after the in-flight timeout; until then a resend is answered 409.
            logger.LogWarning(e, "An idempotency claim could not be released");
        }
    }

    /// <summary>The first answer again. <see cref="Location"/> is read by the audit filter for a 201, as from <c>Created</c>.</summary>
    private sealed class Replay(int status, Dictionary<string, string[]> headers, byte[] body) : IResult, IStatusCodeHttpResult
    {
        public int? StatusCode => status;

        public string? Location => headers.TryGetValue("Location", out var location) ? location.FirstOrDefault() : null;

        public async Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = status;
            foreach (var (name, value) in headers)
            {
                httpContext.Response.Headers[name] = value;
            }
            httpContext.Response.Headers[IdempotencyExtensions.ReplayedHeader] = "true";
            httpContext.Response.ContentLength = body.Length;
            await httpContext.Response.Body.WriteAsync(body, httpContext.RequestAborted);
        }
    }
}

/// <summary>Deletes idempotency entries past their 24 hours, every hour.</summary>
public sealed class IdempotencyPurge(IdempotencyQueries store, TimeProvider clock, ILogger<IdempotencyPurge> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await store.PurgeAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // Expired entries are also ignored when their key is claimed again, so a missed purge only costs space.
                logger.LogWarning(e, "The idempotency purge failed; it runs again in an hour");
            }
        }
    }
}
