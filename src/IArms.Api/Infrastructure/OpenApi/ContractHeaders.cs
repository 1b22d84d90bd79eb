using Microsoft.OpenApi;

namespace IArms.Api.Infrastructure.OpenApi;

/// <summary>The response headers the contract declares, each defined once under <c>components/headers</c>.</summary>
public static class ContractHeaders
{
    public const string ETag = "ETag";
    public const string Location = "Location";
    public const string RetryAfter = "Retry-After";
    public const string RateLimitLimit = "RateLimit-Limit";
    public const string RateLimitRemaining = "RateLimit-Remaining";
    public const string RateLimitReset = "RateLimit-Reset";

    public static readonly IReadOnlyList<string> RateLimit = [RateLimitLimit, RateLimitRemaining, RateLimitReset];

    public static IOpenApiHeader Reference(string name, OpenApiDocument document) => new OpenApiHeaderReference(name, document);

    /// <summary>The definitions, added to the document's components.</summary>
    public static Dictionary<string, IOpenApiHeader> Definitions() => new(StringComparer.Ordinal)
    {
        [ETag] = Header("The version of the resource, for `If-Match` on a later change (a strong ETag such as `\"3\"`).",
            new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 100, Pattern = "^\"[0-9]+\"$" }),
        [Location] = Header("Where the created resource (or the job that does the work) can be read.",
            new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri-reference", MaxLength = 2000 }),
        [RetryAfter] = Header("Seconds to wait before retrying.", Seconds()),
        ["Idempotent-Replayed"] = Header("`true` when this is the stored answer to an earlier request with the same `Idempotency-Key`.",
            new OpenApiSchema { Type = JsonSchemaType.String, Enum = ["true"] }),
        [RateLimitLimit] = Header("The requests the key's budget for this kind of operation allows per window (sent while rate limiting is on).", Count()),
        [RateLimitRemaining] = Header("The requests left in the current window (sent while rate limiting is on).", Count()),
        [RateLimitReset] = Header("Seconds until the window resets (sent while rate limiting is on).", Seconds()),
    };

    private static OpenApiHeader Header(string description, OpenApiSchema schema) => new() { Description = description, Schema = schema };

    private static OpenApiSchema Seconds() => new() { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "0", Maximum = "86400" };

    private static OpenApiSchema Count() => new() { Type = JsonSchemaType.Integer, Format = "int32", Minimum = "0", Maximum = int.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture) };
}
