using System.Net;
using System.Text.Json.Nodes;
using IArms.Api.Tests.Infrastructure;

namespace IArms.Api.Tests.Data;

public class OpenApiContractTests
{
    [Test]
    public async Task TheCommittedOpenApiDocumentMatchesTheApp()
    {
        using var app = new IArmsApplication();
        using var client = app.ClientWithKey(null);
        var served = await (await client.GetAsync("/swagger/v1/swagger.json")).ExpectAsync(HttpStatusCode.OK);
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(RepoPaths.Combine("openapi", "iarms-v1.json")))!;

        // Servers depend on where the app runs; everything else is the contract.
        served.AsObject().Remove("servers");
        committed.AsObject().Remove("servers");
        Assert.That(JsonNode.DeepEquals(served, committed), Is.True,
            "openapi/iarms-v1.json is out of date: run scripts/openapi.sh and commit the result.");
    }

    [Test]
    public async Task EveryOperationHasAnIdSummaryAndTag()
    {
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(RepoPaths.Combine("openapi", "iarms-v1.json")))!;
        var operations = committed["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => (Path: p.Key, Method: o.Key, Op: o.Value!)))
            .ToList();
        Assert.That(operations, Is.Not.Empty);
        foreach (var (path, method, op) in operations)
        {
            Assert.That((string?)op["operationId"], Is.Not.Null.And.Not.Empty, $"{method} {path}");
            Assert.That((string?)op["summary"], Is.Not.Null.And.Not.Empty, $"{method} {path}");
            Assert.That(op["tags"]?.AsArray(), Is.Not.Empty, $"{method} {path}");
        }
    }

    [Test]
    public async Task EverySchemaHasAnExampleThatItsRulesAccept()
    {
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(RepoPaths.Combine("openapi", "iarms-v1.json")))!;
        var contract = new ContractResponses(committed);
        var failures = new List<string>();
        foreach (var (name, schema) in committed["components"]!["schemas"]!.AsObject())
        {
            if (schema!["examples"]?.AsArray().FirstOrDefault() is not { } example)
            {
                failures.Add($"{name} has no example");
                continue;
            }
            using var parsed = System.Text.Json.JsonDocument.Parse(example.ToJsonString());
            if (contract.Validate(JsonNode.Parse($"{{\"$ref\":\"#/components/schemas/{name}\"}}")!, parsed.RootElement) is { } problem)
            {
                failures.Add($"{name}: {problem}");
            }
        }
        Assert.That(failures, Is.Empty, string.Join(Environment.NewLine, failures));
    }

    [Test]
    public async Task EveryArrayARequestCarriesIsBounded()
    {
        // The OWASP array-limit rule is a warning (tests/contract/.spectral.yaml) only because some answers have no bound.
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(RepoPaths.Combine("openapi", "iarms-v1.json")))!;
        var schemas = committed["components"]!["schemas"]!.AsObject();
        var unbounded = new List<string>();
        var seen = new HashSet<string>();
        void Walk(JsonNode? node, string where)
        {
            switch (node)
            {
                case JsonObject o when o["$ref"] is JsonValue pointer && (string?)pointer is { } reference:
                    var name = reference.Split('/')[^1];
                    if (seen.Add(name))
                    {
                        Walk(schemas[name], name);
                    }
                    break;
                case JsonObject o:
                    var type = o["type"];
                    var isArray = type is JsonArray types ? types.Any(t => t is JsonValue v && (string?)v == "array") : type is JsonValue one && (string?)one == "array";
                    if (isArray && o["maxItems"] is null)
                    {
                        unbounded.Add(where);
                    }
                    foreach (var (key, child) in o)
                    {
                        Walk(child, $"{where}.{key}");
                    }
                    break;
                case JsonArray a:
                    foreach (var child in a)
                    {
                        Walk(child, where);
                    }
                    break;
            }
        }
        foreach (var operation in committed["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject()))
        {
            Walk(operation.Value!["requestBody"], $"{operation.Key} body");
            Walk(operation.Value["parameters"], $"{operation.Key} parameters");
        }
        Assert.That(unbounded, Is.Empty);
    }

    [Test]
    public async Task EveryOperationParameterAndPropertyIsDescribedWithoutCSharpNames()
    {
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(RepoPaths.Combine("openapi", "iarms-v1.json")))!;
        var undescribed = new List<string>();
        foreach (var (path, item) in committed["paths"]!.AsObject())
        {
            foreach (var (method, op) in item!.AsObject())
            {
                if (string.IsNullOrWhiteSpace((string?)op!["description"]))
                {
                    undescribed.Add($"{method} {path}");
                }
                undescribed.AddRange((op["parameters"]?.AsArray() ?? []).Where(p => string.IsNullOrWhiteSpace((string?)p!["description"]))
                    .Select(p => $"{method} {path} parameter {p!["name"]}"));
            }
        }
        foreach (var (name, schema) in committed["components"]!["schemas"]!.AsObject())
        {
            undescribed.AddRange((schema!["properties"]?.AsObject() ?? []).Where(p => string.IsNullOrWhiteSpace((string?)p.Value!["description"]))
                .Select(p => $"{name}.{p.Key}"));
        }
        Assert.That(undescribed, Is.Empty);
        Assert.That(committed.ToJsonString(), Does.Not.Contain("IArms.Api.").And.Not.Contain("IArms.Core."), "a description names a C# type");
    }
}
