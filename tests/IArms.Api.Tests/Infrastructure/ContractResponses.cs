using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace IArms.Api.Tests.Infrastructure;

/// <summary>
/// Checks an answer against the OpenAPI document: its status is declared for the operation, its media type is one the
/// status declares, and a JSON body validates against the declared schema (JSON Schema 2020-12, which OpenAPI 3.1
/// schemas are). The document's <c>#/components/schemas/X</c> references are read as <c>#/$defs/X</c>.
/// </summary>
public sealed class ContractResponses(JsonNode document)
{
    private readonly string _definitions = document["components"]!["schemas"]!.ToJsonString().Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal);
    private readonly Dictionary<string, JsonSchema> _schemas = new(StringComparer.Ordinal);

    /// <summary>What is wrong with the answer, or null when the contract declares it exactly.</summary>
    public string? Disagreement(JsonNode operation, int status, string? media, string body)
    {
        var responses = operation["responses"]!.AsObject();
        var declared = responses[status.ToString(CultureInfo.InvariantCulture)] ?? responses["default"];
        if (declared is null)
        {
            return $"status {status} is not declared (declared: {string.Join(", ", responses.Select(r => r.Key))})";
        }
        var content = declared["content"]?.AsObject();
        if (content is null || content.Count == 0)
        {
            return body.Length == 0 ? null : $"{status} declares no body, yet one came ({media})";
        }
        if (media is null || content[media] is not { } declaredMedia)
        {
            return $"{status} answered {media ?? "no media type"}, declared {string.Join(", ", content.Select(c => c.Key))}";
        }
        if (declaredMedia["schema"] is not { } schema || !media.Contains("json", StringComparison.Ordinal))
        {
            return null;
        }
        using var parsed = JsonDocument.Parse(body);
        return Validate(schema, parsed.RootElement) is { } problem ? $"{status} body does not match the schema: {problem}" : null;
    }

    /// <summary>Why <paramref name="instance"/> fails <paramref name="schema"/> (a schema of the document), or null when it passes.</summary>
    public string? Validate(JsonNode schema, JsonElement instance)
    {
        var key = schema.ToJsonString();
        if (!_schemas.TryGetValue(key, out var compiled))
        {
            var root = JsonNode.Parse(key.Replace("#/components/schemas/", "#/$defs/", StringComparison.Ordinal))!.AsObject();
            root["$schema"] = "https://json-schema.org/draft/2020-12/schema";
            root["$defs"] = JsonNode.Parse(_definitions);
            compiled = _schemas[key] = JsonSchema.FromText(root.ToJsonString());
        }
        var result = compiled.Evaluate(instance, new EvaluationOptions { OutputFormat = OutputFormat.List });
        if (result.IsValid)
        {
            return null;
        }
        var errors = (result.Details ?? []).Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{d.InstanceLocation}: {e.Value}")).Take(5);
        return string.Join("; ", errors);
    }
}
