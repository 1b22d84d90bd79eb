using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace IArms.Api.Infrastructure.OpenApi;

/// <summary>
/// What only the whole document shows: which schemas are answers only (every property of those is always sent, so
/// all are <c>required</c>, and their strings and pages are bounded by what the service stores and pages), the shared
/// header definitions, and the server.
/// </summary>
public sealed class ContractDocumentFilter(ValidatorLimits validators) : IDocumentFilter
{
    /// <summary>What each tag's operations are for (the tags are set on the route groups).</summary>
    private static readonly Dictionary<string, string> Tags = new(StringComparer.Ordinal)
    {
        ["Agencies"] = "The agencies and their API keys: the directory every agency reads, managed by the administrators.",
        ["Alerts"] = "An agency's inbox: hits on its wanted records, trace requests and answers, shared records.",
        ["Analysis"] = "Aggregates across the custody chains the agency may see: routes, diversion sources, parties, serial runs, trends.",
        ["Audit"] = "The hash-chained log of every request, and its verification.",
        ["Exports"] = "Every record the caller may see, streamed from one snapshot as NDJSON or CSV.",
        ["Firearms"] = "Firearm records: created, read, replaced and withdrawn by the agencies that own them.",
        ["Imports"] = "Bulk uploads of records as jobs that upsert by externalId.",
        ["Reference"] = "The reference table of makes, calibres and firearm types that records are resolved against.",
        ["Search"] = "Serial number searches, one or a batch, tolerant of misread and unreadable characters.",
        ["Trace requests"] = "Asking another agency for its records on a firearm, and answering.",
        ["Tracing"] = "Custody chains: the events of a firearm's life and the trace report drawn from them.",
    };

    // Problem details leave out members that are null: they are not all sent.
    private static readonly HashSet<string> SparseSchemas = ["ProblemDetails", "HttpValidationProblemDetails"];

    public void Apply(OpenApiDocument document, DocumentFilterContext context)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Headers = ContractHeaders.Definitions();
        document.Servers =
        [
            new OpenApiServer
            {
                Url = "/",
                Description = "The instance that serves this document (production, staging or test alike).",
                Extensions = new Dictionary<string, IOpenApiExtension> { ["x-internal"] = new JsonNodeExtension(JsonValue.Create(true)) },
            },
        ];

        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            tag.Description ??= tag.Name is { } name ? Tags.GetValueOrDefault(name) : null;
        }
        var schemas = document.Components.Schemas ?? new Dictionary<string, IOpenApiSchema>();
        var requests = new HashSet<string>(StringComparer.Ordinal);
        foreach (var operation in (document.Paths ?? []).Values.SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>()))
        {
            foreach (var media in operation.RequestBody?.Content?.Values ?? [])
            {
                Reach(media.Schema, schemas, requests);
            }
            foreach (var parameter in operation.Parameters ?? [])
            {
                Reach(parameter.Schema, schemas, requests);
            }
        }
        var validated = ContractDocument.ValidatedTypes().ToList();
        var longestText = validators.LongestText(validated);
        foreach (var (name, schema) in schemas)
        {
            if (schema is not OpenApiSchema answer || answer.Properties is null)
            {
                continue;
            }
            if (requests.Contains(name))
            {
                // A nested request field that no validator of its own type bounds (batch items are checked as single
                // searches) is bounded as the field of its name is where it is validated.
                foreach (var (property, field) in answer.Properties)
                {
                    if (field is OpenApiSchema { MaxLength: null, Enum: null } text && text.Type?.HasFlag(JsonSchemaType.String) == true)
                    {
                        text.MaxLength = validators.MaxLengthByName(validated, property);
                    }
                }
                continue;
            }
            var sparse = SparseSchemas.Contains(name);
            answer.Required ??= new HashSet<string>();
            if (sparse)
            {
                // A 400 about the body as a whole (not JSON, missing) has no field to name: errors is absent there.
                answer.Required.Clear();
            }
            foreach (var (property, propertySchema) in answer.Properties)
            {
                if (!sparse)
                {
                    answer.Required.Add(property);
                }
                var bound = sparse ? Problems.MaxTextLength : validators.MaxLengthByName(validated, property) ?? longestText;
                BoundAnswer(propertySchema, bound, isPage: answer.Properties.ContainsKey("nextCursor") && property == "items");
            }
        }
        foreach (var operation in (document.Paths ?? []).Values.SelectMany(p => p.Operations?.Values ?? Enumerable.Empty<OpenApiOperation>()))
        {
            foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
            {
                if (parameter.Schema is OpenApiSchema { MaxLength: null, Enum: null } text && text.Type?.HasFlag(JsonSchemaType.String) == true && parameter.Name is { } name)
                {
                    // A filter holds what the field of its name holds; the rest are bounded by the request line the server reads.
                    text.MaxLength = validators.MaxLengthByName(validated, name) ?? RequestLineLimit;
                }
            }
            operation.Description = Plain(operation.Description);
            foreach (var media in (operation.Responses ?? []).Values.SelectMany(r => r.Content?.Values ?? Enumerable.Empty<IOpenApiMediaType>())
                .Concat(operation.RequestBody?.Content?.Values ?? Enumerable.Empty<IOpenApiMediaType>()))
            {
                if (media.Schema is OpenApiSchemaReference body)
                {
                    body.Description = Plain(body.Description);
                }
            }
            foreach (var parameter in (operation.Parameters ?? []).OfType<OpenApiParameter>())
            {
                parameter.Description ??= ContractGlossary.For(operation.OperationId ?? "", parameter.Name ?? "");
            }
        }
        foreach (var (schemaName, schema) in schemas)
        {
            if (schema is not OpenApiSchema described)
            {
                continue;
            }
            described.Description = Plain(described.Description);
            foreach (var (name, property) in described.Properties ?? new Dictionary<string, IOpenApiSchema>())
            {
                var text = Plain(property.Description) ?? ContractGlossary.For(schemaName, name);
                switch (property)
                {
                    case OpenApiSchema inline:
                        inline.Description = text;
                        break;
                    case OpenApiSchemaReference reference:
                        reference.Description = text;
                        break;
                }
            }
        }
    }

    /// <summary>Kestrel's default request-line limit (8 KiB): no query or path value can be longer.</summary>
    private const int RequestLineLimit = 8192;

    /// <summary>XML comments name members by their C# names (<c>IArms.Api.Firearms.FirearmPage.NextCursor</c>); integrators know the JSON name.</summary>
    private static string? Plain(string? description) => description is null ? null :
        System.Text.RegularExpressions.Regex.Replace(description, @"\bIArms(?:\.\w+)*\.(\w+)\b",
            m => $"`{System.Text.Json.JsonNamingPolicy.CamelCase.ConvertName(m.Groups[1].Value)}`");

    /// <summary>
    /// A string the service answers is one it stored after validating it, or one it wrote itself: no longer than the
    /// longest text any validator accepts. Dates and times have their ISO 8601 lengths; a page has at most the page limit.
    /// </summary>
    private static void BoundAnswer(IOpenApiSchema schema, int longestText, bool isPage)
    {
        if (schema is not OpenApiSchema s)
        {
            return;
        }
        if (s.Type?.HasFlag(JsonSchemaType.String) == true && s.MaxLength is null && s.Enum is null)
        {
            s.MaxLength = s.Format switch { "date" => 10, "date-time" => 33, _ => longestText };
        }
        if (s.Type?.HasFlag(JsonSchemaType.Array) == true)
        {
            if (isPage)
            {
                s.MaxItems ??= Cursor.MaxLimit;
            }
            BoundAnswer(s.Items!, longestText, isPage: false);
        }
        if (s.AdditionalProperties is { } values)
        {
            BoundAnswer(values, longestText, isPage: false);
        }
    }

    private static void Reach(IOpenApiSchema? schema, IDictionary<string, IOpenApiSchema> schemas, HashSet<string> seen)
    {
        switch (schema)
        {
            case null:
                return;
            case OpenApiSchemaReference reference:
                if (reference.Reference.Id is { } id && seen.Add(id) && schemas.TryGetValue(id, out var target))
                {
                    Reach(target, schemas, seen);
                }
                return;
        }
        foreach (var child in (schema.Properties?.Values ?? []).Concat(schema.OneOf ?? []).Concat(schema.AnyOf ?? []).Concat(schema.AllOf ?? []))
        {
            Reach(child, schemas, seen);
        }
        Reach(schema.Items, schemas, seen);
        Reach(schema.AdditionalProperties, schemas, seen);
    }
}
