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
}
