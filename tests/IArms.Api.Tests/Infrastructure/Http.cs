using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IArms.Api.Tests.Infrastructure;

/// <summary>Assertions on HTTP answers, and JSON bodies read as trees so tests see exactly what a client sees.</summary>
public static class Http
{
    public static async Task<JsonNode> ExpectAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.That(response.StatusCode, Is.EqualTo(status), $"Body: {text}");
        return text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!;
    }

    /// <summary>Asserts a ProblemDetails answer with the status, and returns it.</summary>
    public static async Task<JsonNode> ExpectProblemAsync(this HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.ExpectAsync(status);
        Assert.That(response.Content.Headers.ContentType?.MediaType, Is.EqualTo("application/problem+json"));
        Assert.That((int?)body["status"], Is.EqualTo((int)status));
        return body;
    }

    /// <summary>Asserts a 400 whose <c>errors</c> map names the field, and returns the messages.</summary>
    public static async Task<string[]> ExpectFieldErrorAsync(this HttpResponseMessage response, string field)
    {
        var body = await response.ExpectProblemAsync(HttpStatusCode.BadRequest);
        var errors = body["errors"]?.AsObject();
        Assert.That(errors, Is.Not.Null, $"No errors map in {body.ToJsonString()}");
        Assert.That(errors!.Select(e => e.Key), Does.Contain(field), $"Errors: {errors.ToJsonString()}");
        return errors[field]!.AsArray().Select(m => (string)m!).ToArray();
    }

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, string url, object body) =>
        client.PostAsJsonAsync(url, body, JsonSerializerOptions.Web);

    public static Task<HttpResponseMessage> SendJsonAsync(this HttpClient client, HttpMethod method, string url, object? body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, url);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: JsonSerializerOptions.Web);
        }
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        return client.SendAsync(request);
    }

    /// <summary>Withdraws a record as a client must: DELETE with If-Match carrying the ETag just read.</summary>
    public static async Task<HttpResponseMessage> WithdrawAsync(this HttpClient client, string location)
    {
        using var read = await client.GetAsync(location);
        var request = new HttpRequestMessage(HttpMethod.Delete, location);
        request.Headers.TryAddWithoutValidation("If-Match", read.Headers.ETag?.ToString() ?? "\"0\"");
        return await client.SendAsync(request);
    }

    public static Task<HttpResponseMessage> PostRawAsync(this HttpClient client, string url, string json) =>
        client.PostAsync(url, new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
}
