using System.Text.Json.Nodes;
using IArms.Api.Agencies;
using IArms.Api.Bulk;
using Microsoft.AspNetCore.Authorization;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace IArms.Api.Infrastructure.OpenApi;

/// <summary>
/// Declares, for every operation, the statuses and headers the service's shared machinery answers, inferred from the
/// endpoint's metadata rather than repeated on each route: security and 401/403 from its authorization, 404 from a
/// route value, 400 from parameters or a body, 413/415 from a body, 429 and 503 with <c>Retry-After</c> and the
/// <c>RateLimit-*</c> headers on every <c>/api/v1</c> operation, <c>If-Match</c> (required) with 412/428 from
/// <see cref="RequiresIfMatchMetadata"/>, <c>ETag</c>, <c>Location</c> and <c>Idempotent-Replayed</c> on the answers
/// that carry them. Every problem is <c>application/problem+json</c>.
/// </summary>
public sealed class ContractOperations : IOperationFilter
{
    public const string ProblemMedia = "application/problem+json";

    public void Apply(OpenApiOperation operation, OperationFilterContext context)
    {
        var description = context.ApiDescription;
        var metadata = description.ActionDescriptor.EndpointMetadata;
        var path = "/" + (description.RelativePath ?? "");
        var isApi = path.StartsWith(IArmsApp.ApiBase + "/", StringComparison.Ordinal) || path == IArmsApp.ApiBase;
        var authorize = metadata.OfType<IAuthorizeData>().ToList();
        var secured = authorize.Count > 0 && !metadata.OfType<IAllowAnonymous>().Any();
        var document = context.Document;
        operation.Responses ??= [];

        if (secured)
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(ApiKeyAuthenticationHandler.SchemeName, document)] = [] }];
            AddProblem(operation, context, 401);
            if (authorize.Any(a => a.Policy is not null && a.Policy != Policies.Any || a.Roles is not null))
            {
                AddProblem(operation, context, 403);
            }
            var roles = string.Join(" or ", authorize.Select(a => a.Policy).Where(p => p is not null && p != Policies.Any).Select(p => $"`{p}`"));
            var who = roles.Length == 0 ? "Any valid API key." : $"Needs an API key allowed by {roles}.";
            operation.Description = string.IsNullOrWhiteSpace(operation.Description) ? $"{operation.Summary} {who}" : $"{operation.Description} {who}";
        }
        else if (string.IsNullOrWhiteSpace(operation.Description))
        {
            operation.Description = $"{operation.Summary} No API key needed.";
        }

        if (metadata.OfType<TextBodyMetadata>().FirstOrDefault() is { } text && operation.RequestBody is null)
        {
            // A file, described in words: no JSON schema describes NDJSON or CSV lines.
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Description = text.Description,
                Content = text.ContentTypes.ToDictionary(t => t, _ => (IOpenApiMediaType)new OpenApiMediaType()),
            };
        }
        DeclareFiles(operation, description);
        if (path.Contains('{', StringComparison.Ordinal))
        {
            AddProblem(operation, context, 404);
        }
        if (operation.Parameters is { Count: > 0 } || operation.RequestBody is not null)
        {
            AddProblem(operation, context, 400, typeof(HttpValidationProblemDetails));
        }
        if (operation.RequestBody is not null)
        {
            AddProblem(operation, context, 413);
            AddProblem(operation, context, 415);
        }
        if (metadata.OfType<RequiresIfMatchMetadata>().Any())
        {
            RequireIfMatch(operation);
        }
        if (metadata.OfType<HonoursIfNoneMatchMetadata>().Any())
        {
            AddIfNoneMatch(operation);
        }
        if (metadata.OfType<IdempotentMetadata>().Any())
        {
            AddIdempotencyKey(operation);
        }
        if (isApi)
        {
            AddProblem(operation, context, 429);
            AddProblem(operation, context, 503);
        }
        AddProblem(operation, context, 500);

        foreach (var (status, response) in operation.Responses)
        {
            if (response is not OpenApiResponse concrete)
            {
                continue;
            }
            concrete.Headers ??= new Dictionary<string, IOpenApiHeader>();
            var code = int.TryParse(status, out var parsed) ? parsed : 0;
            if (code is 201 or 202)
            {
                concrete.Headers[ContractHeaders.Location] = ContractHeaders.Reference(ContractHeaders.Location, document);
            }
            if (code is 200 or 201 && metadata.OfType<AnswersETagMetadata>().Any())
            {
                concrete.Headers[ContractHeaders.ETag] = ContractHeaders.Reference(ContractHeaders.ETag, document);
            }
            if (code is >= 200 and < 300 && metadata.OfType<IdempotentMetadata>().Any())
            {
                concrete.Headers[IdempotencyExtensions.ReplayedHeader] = ContractHeaders.Reference(IdempotencyExtensions.ReplayedHeader, document);
            }
            if (code is 429 or 503)
            {
                concrete.Headers[ContractHeaders.RetryAfter] = ContractHeaders.Reference(ContractHeaders.RetryAfter, document);
            }
            if (isApi && code is >= 200 and < 300 or >= 400 and < 500 && isApi)
            {
                foreach (var name in ContractHeaders.RateLimit)
                {
                    concrete.Headers[name] = ContractHeaders.Reference(name, document);
                }
            }
            if (concrete.Headers.Count == 0)
            {
                concrete.Headers = null;
            }
        }
    }

    /// <summary>
    /// Answers that are files (NDJSON, CSV, GraphML) are declared by media type without a schema: a JSON schema of type
    /// string would claim a length bound that a file has not.
    /// </summary>
    private static void DeclareFiles(OpenApiOperation operation, Microsoft.AspNetCore.Mvc.ApiExplorer.ApiDescription description)
    {
        var files = description.ActionDescriptor.EndpointMetadata.OfType<Microsoft.AspNetCore.Http.Metadata.IProducesResponseTypeMetadata>()
            .SelectMany(p => p.ContentTypes.Where(m => m != "application/json" && !m.EndsWith("+json", StringComparison.Ordinal)).Select(m => (p.StatusCode, Media: m)))
            .GroupBy(f => f.StatusCode.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var status in files)
        {
            if (operation.Responses!.TryGetValue(status.Key, out var response) && response is OpenApiResponse concrete)
            {
                concrete.Content = status.Select(f => f.Media).Distinct().ToDictionary(m => m, _ => (IOpenApiMediaType)new OpenApiMediaType());
            }
        }
    }

    private static void AddProblem(OpenApiOperation operation, OperationFilterContext context, int status, Type? type = null)
    {
        var key = status.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (operation.Responses!.TryGetValue(key, out var existing))
        {
            if (existing is OpenApiResponse declared && Problems.Statuses.TryGetValue(status, out var known))
            {
                declared.Description = known.Meaning;
            }
            return;
        }
        var schema = context.SchemaGenerator.GenerateSchema(type ?? typeof(ProblemDetails), context.SchemaRepository);
        operation.Responses[key] = new OpenApiResponse
        {
            Description = Problems.Statuses[status].Meaning,
            Content = new Dictionary<string, IOpenApiMediaType> { [ProblemMedia] = new OpenApiMediaType { Schema = schema } },
        };
    }

    private static void RequireIfMatch(OpenApiOperation operation)
    {
        operation.Parameters ??= [];
        var existing = operation.Parameters.OfType<OpenApiParameter>()
            .FirstOrDefault(p => p.In == ParameterLocation.Header && string.Equals(p.Name, "If-Match", StringComparison.OrdinalIgnoreCase));
        if (existing is null)
        {
            existing = new OpenApiParameter { Name = "If-Match", In = ParameterLocation.Header };
            operation.Parameters.Add(existing);
        }
        existing.Required = true;
        existing.Description = "The `ETag` of the version the change was made to (from the last read or write); `*` for any version.";
        existing.Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 1000, Examples = [JsonValue.Create("\"3\"")] };
    }

    private static void AddIfNoneMatch(OpenApiOperation operation)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = "If-None-Match",
            In = ParameterLocation.Header,
            Description = "The `ETag` of the copy the client holds; when it is still current the answer is 304 with no body.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 1000, Examples = [JsonValue.Create("\"3\"")] },
        });
    }

    private static void AddIdempotencyKey(OpenApiOperation operation)
    {
        operation.Parameters ??= [];
        if (operation.Parameters.Any(p => string.Equals(p.Name, IdempotencyExtensions.Header, StringComparison.OrdinalIgnoreCase)))
        {
            return;
        }
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = IdempotencyExtensions.Header,
            In = ParameterLocation.Header,
            Description = "Any unique string (a UUID) chosen by the client: resending the same request with the same key within 24 hours answers the first answer again instead of doing the work twice.",
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MinLength = 1, MaxLength = IdempotencyExtensions.MaxKeyLength, Pattern = "^[!-~]+$", Examples = [JsonValue.Create("7c0e3a5e-2f1b-4d43-9a59-0c6b1d2e8f10")] },
        });
    }
}
