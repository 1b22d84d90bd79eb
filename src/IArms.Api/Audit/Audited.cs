using System.Collections.Concurrent;
using System.Reflection;
using IArms.Api.Agencies;

namespace IArms.Api.Audit;

/// <summary>
/// Endpoint metadata: the action a route's requests are audited under. <see cref="WrittenByHandler"/> marks a route
/// whose handler writes its own, richer entry when it succeeds (the search, with purpose, case and result count);
/// its refusals are still written by the filter.
/// </summary>
public sealed record AuditedMetadata(string Action, bool WrittenByHandler = false);

public static class AuditedExtensions
{
    /// <summary>Names the action this route's requests are audited under (see <see cref="AuditFilter"/>).</summary>
    public static RouteHandlerBuilder Audited(this RouteHandlerBuilder builder, string action, bool writtenByHandler = false) =>
        builder.WithMetadata(new AuditedMetadata(action, writtenByHandler));

    /// <summary>
    /// Audits every route of the group: the filter, set once on the API's root group, runs outside every route's own
    /// filters (validation included), so a refused request is audited too. A route without <see cref="Audited"/>
    /// is still audited, under its endpoint name, and a test fails on it.
    /// </summary>
    public static RouteGroupBuilder AuditEveryRoute(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter<AuditFilter>();
        return group;
    }
}

/// <summary>Builds the entry for a request from what the request and its answer say.</summary>
public static class AuditEntries
{
    public static AuditRecord For(HttpContext http, TimeProvider clock, string outcome, int status, string? location = null)
    {
        var endpoint = http.GetEndpoint();
        var action = endpoint?.Metadata.GetMetadata<AuditedMetadata>()?.Action
            ?? endpoint?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? "unclassified";
        return For(http, clock, action, outcome, status, ObjectId(http, location));
    }

    /// <summary>
    /// The entry for a request under a named action and object: how the officer's pages, which are no API routes,
    /// audit what they do (the object a path under <c>/api/v1</c>, as the same act through the API would name it).
    /// </summary>
    public static AuditRecord For(HttpContext http, TimeProvider clock, string action, string outcome, int status, string? objectId)
    {
        long? agencyId = null, keyId = null;
        string? officer = null;
        if (http.User.Identity?.IsAuthenticated == true)
        {
            var caller = Caller.From(http.User);
            (agencyId, keyId, officer) = (caller.AgencyId, caller.AuditKeyId, caller.Officer);
        }
        return new AuditRecord(clock.GetUtcNow(), agencyId, keyId, action, null, null, null, Query(http.Request), null)
        {
            Officer = officer,
            SourceAddress = http.Connection.RemoteIpAddress?.ToString(),
            ObjectId = objectId,
            Outcome = outcome,
            StatusCode = status,
        };
    }

    /// <summary>The 503 of a request whose audit entry could not be written.</summary>
    public static ProblemHttpResult Unavailable(HttpContext http, string detail)
    {
        http.Response.Headers.RetryAfter = "5";
        return TypedResults.Problem(detail, statusCode: StatusCodes.Status503ServiceUnavailable, title: "The audit log is unavailable.");
    }

    /// <summary>
    /// The resource acted on, as a path under <c>/api/v1</c>: the created resource for a 201, else the request's path
    /// when the route names one (a list, with no route values, has none).
    /// </summary>
    private static string? ObjectId(HttpContext http, string? location)
    {
        // The path as sent (escaped), not its decoded value: a route value may carry a terminal escape or a bidi
        // override (agencies/%1B%5B2J/api-keys), even from a caller without a valid key.
        var path = location ?? (http.Request.RouteValues.Count > 0 ? http.Request.Path.ToUriComponent() : null);
        if (path is null)
        {
            return null;
        }
        var query = path.IndexOf('?', StringComparison.Ordinal);
        path = query < 0 ? path : path[..query];
        var relative = path.StartsWith(IArmsApp.ApiBase + "/", StringComparison.Ordinal) ? path[(IArmsApp.ApiBase.Length + 1)..] : path;
        return relative.Length > 200 ? relative[..200] : relative;
    }

    /// <summary>
    /// The method, path and query string. Parameters whose name mentions a key are left out: a client that sends its
    /// API key in the query string must not find it in the audit log.
    /// </summary>
    private static string Query(HttpRequest request)
    {
        var kept = request.Query
            .Where(q => !q.Key.Contains("key", StringComparison.OrdinalIgnoreCase))
            .Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}");
        var query = string.Join('&', kept);
        var text = $"{request.Method} {request.Path}{(query.Length == 0 ? "" : "?" + query)}";
        return text.Length > 2000 ? text[..2000] : text;
    }
}

/// <summary>
/// Writes the audit entry of every request that reached its route, after the handler has decided the answer and
/// before the answer is sent: the entry is committed through <see cref="AuditLog"/> (group commit, durable), and
/// only then does the response go out. If the entry cannot be written the request fails with 503.
/// </summary>
/// <remarks>
/// A write (a record created, a key revoked...) has committed in its own transaction by the time its entry is
/// written, so a failed audit write cannot undo it: the 503 then says that the change was made but not audited,
/// and the entry is logged at critical level so that the operator can restore it. Writing the entry inside the
/// change's own transaction would close that gap, but the chain has one writer that keeps its head in memory
/// (hashing needs the previous entry), and every feature's transaction would then queue behind the audit writer
/// and take the chain's lock; one in a million failed audit writes was judged the smaller risk, since the change
/// is still visible in its own table and in the log.
/// </remarks>
public sealed class AuditFilter(AuditLog audit, TimeProvider clock, ILogger<AuditFilter> logger) : IEndpointFilter
{
    private static readonly ConcurrentDictionary<Type, PropertyInfo?> LocationProperties = new();

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var metadata = http.GetEndpoint()?.Metadata.GetMetadata<AuditedMetadata>();
        // A handler that throws is audited by AuditFailureMiddleware, which sees the status the exception becomes.
        var result = await next(context);
        var (code, location) = Describe(result);
        if (metadata?.WrittenByHandler == true && code is >= 200 and < 300)
        {
            return result;
        }
        var outcome = code switch
        {
            StatusCodes.Status403Forbidden => AuditOutcomes.Denied,
            StatusCodes.Status429TooManyRequests => AuditOutcomes.RateLimited,
            _ => AuditOutcomes.Allowed,
        };
        var entry = AuditEntries.For(http, clock, outcome, code, location);
        http.Items[AuditFailureMiddleware.AuditedItem] = true;
        try
        {
            await audit.WriteAsync(entry, [], CancellationToken.None);
        }
        catch (Exception e)
        {
            var write = !HttpMethods.IsGet(http.Request.Method) && code is >= 200 and < 300;
            // Without the query: it can hold search text or record fields, and police data stays out of logs.
            logger.LogCritical(e, "Audit entry not written: {Action} {Outcome} {Status} {Object} agency {Agency} key {Key} from {Address}",
                entry.Action, entry.Outcome, entry.StatusCode, entry.ObjectId, entry.AgencyId, entry.KeyId, entry.SourceAddress);
            return AuditEntries.Unavailable(http, write
                ? "The change was made, but it could not be audited, so its answer is withheld. Read the resource again before retrying."
                : "The request could not be audited, so it was not answered. Retry in a few seconds.");
        }
        return result;
    }

    /// <summary>The status the result will answer, and for a 201 the created resource's location.</summary>
    private static (int Status, string? Location) Describe(object? result)
    {
        while (result is INestedHttpResult nested)
        {
            result = nested.Result;
        }
        var status = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : StatusCodes.Status200OK;
        string? location = null;
        if (status == StatusCodes.Status201Created && result is not null)
        {
            location = LocationProperties.GetOrAdd(result.GetType(), t => t.GetProperty("Location"))?.GetValue(result) as string;
        }
        return (status, location);
    }
}

/// <summary>
/// Audits the requests that fail before or inside their route's handler without an answer of its own: a body or
/// parameter that cannot be bound (400, thrown before any endpoint filter runs), or an exception (500, 503). The entry
/// is written before the exception handler answers; if it cannot be, that is logged and the failure answered as it
/// would be, since nothing was disclosed and, for a 500, nothing was changed.
/// </summary>
public sealed class AuditFailureMiddleware(RequestDelegate next, AuditLog audit, TimeProvider clock, ILogger<AuditFailureMiddleware> logger)
{
    /// <summary>Set once a request's entry is written, so that no request is audited twice.</summary>
    public const string AuditedItem = "iarms:audited";

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (Exception e) when (!context.Items.ContainsKey(AuditedItem) && !context.RequestAborted.IsCancellationRequested
                                  && context.GetEndpoint()?.Metadata.GetMetadata<AuditedMetadata>() is not null)
        {
            var status = e switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                _ when e is Data.ServiceUnavailableException || Data.DatabaseErrors.IsTransient(e) => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status500InternalServerError,
            };
            try
            {
                await audit.WriteAsync(AuditEntries.For(context, clock, AuditOutcomes.Allowed, status), [], CancellationToken.None);
            }
            catch (Exception auditError)
            {
                logger.LogError(auditError, "The audit entry of a failed request could not be written");
            }
            throw;
        }
    }
}
