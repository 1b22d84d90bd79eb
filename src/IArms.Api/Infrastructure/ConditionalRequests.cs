using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using IArms.Api.Infrastructure.OpenApi;
using Microsoft.Extensions.Options;

namespace IArms.Api.Infrastructure;

/// <summary>Endpoint metadata: the route honours <c>If-None-Match</c> with 304 (the contract declares the header).</summary>
public sealed record HonoursIfNoneMatchMetadata;

/// <summary>
/// Conditional reads: after a route answers 200 with a body, the answer carries a strong <c>ETag</c> (the one the
/// handler set, a record's version, or else a hash of the JSON the client will receive), and a request whose
/// <c>If-None-Match</c> names it is answered 304 with no body, so a client polling a trace or a job pays for a
/// changed answer only. The hash is computed from the serialized value, so it changes whenever a byte of it would.
/// </summary>
public sealed class ETagFilter(IOptions<JsonOptions> json) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var result = await next(context);
        var inner = result;
        while (inner is INestedHttpResult nested)
        {
            inner = nested.Result;
        }
        if (inner is not (IStatusCodeHttpResult { StatusCode: StatusCodes.Status200OK } and IValueHttpResult { Value: { } value }))
        {
            return result;
        }
        var response = context.HttpContext.Response;
        var etag = response.Headers.ETag.ToString();
        if (etag.Length == 0)
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(value, value.GetType(), json.Value.SerializerOptions);
            etag = $"\"{Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 16))}\"";
            response.Headers.ETag = etag;
        }
        return NoneMatch(context.HttpContext.Request.Headers.IfNoneMatch.ToString(), etag)
            ? TypedResults.StatusCode(StatusCodes.Status304NotModified)
            : result;
    }

    /// <summary>
    /// True when <c>If-None-Match</c> names <paramref name="etag"/> or is <c>*</c>. RFC 9110 compares weakly here, so
    /// a <c>W/</c> prefix (which some proxies add) still matches.
    /// </summary>
    internal static bool NoneMatch(string header, string etag)
    {
        foreach (var tag in header.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (tag == "*" || (tag.StartsWith("W/", StringComparison.Ordinal) ? tag[2..] : tag) == etag)
            {
                return true;
            }
        }
        return false;
    }
}

public static class ConditionalRequestExtensions
{
    /// <summary>Answers an <c>ETag</c> on 200 and 304 to a matching <c>If-None-Match</c> (see <see cref="ETagFilter"/>).</summary>
    public static RouteHandlerBuilder WithETag(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter<ETagFilter>().AnswersETag().WithMetadata(new HonoursIfNoneMatchMetadata())
            .Produces(StatusCodes.Status304NotModified);
}
