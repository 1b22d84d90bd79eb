using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using IArms.Api.Tests.Infrastructure;
using static IArms.Api.Tests.Infrastructure.Records;

namespace IArms.Api.Tests.Security;

/// <summary>
/// A bounded, repeatable fuzz run: requests derived from the served OpenAPI schemas, each with one
/// thing wrong (a value of the wrong type, huge, null, invisible or malformed; a field missing or
/// unknown; a body that is not JSON; an odd query or path value). No answer may be a 5xx, every error must be
/// problem+json, and every answer must be one the contract declares: its status, media type and body schema.
/// </summary>
public class SchemaFuzzTests : ApiFixture
{
    private const int Seed = 20261111;
    private const int RequestsPerOperation = 90;

    // Stands for a value written into the JSON text as is, for what a JSON writer refuses to produce.
    private const string RawMarker = "__raw_fuzz_value__";

    private static readonly string[] OddStrings =
    [
        "", " ", "\u0000", "\u001b[2J\u001b[H", "AB\u202e321", "\u2066x\u2069", "\u200b", "\ufeff", "😀🔫", "ＡＢ１２３", "Ǆ̧̈́",
        "' OR 1=1 --", "\"; DROP TABLE firearm; --", "%00", "../../etc/passwd", "<script>alert(1)</script>", "{{7*7}}",
        "null", "true", "-1", "0", "9223372036854775808", "1e309", "NaN", "2026-02-30", "0001-01-01", "9999-12-31T23:59:59Z",
        new string('A', 65), new string('9', 5_000), new string('x', 200_000),
    ];

    private static readonly string[] RawValues =
    [
        "\"\\ud800\"", "\"\\udfff x\"", "1e999", "-0", "0.0000000000000000001", "9223372036854775808", "-9223372036854775809",
        "NaN", "Infinity", "[" + string.Concat(Enumerable.Repeat("[", 300)) + string.Concat(Enumerable.Repeat("]", 301)),
        "{\"a\":1,\"a\":2}", "\"" + new string('z', 1_100_000) + "\"",
    ];

    private static readonly string[] OddBodies =
    [
        "", "null", "[]", "{}", "123", "\"text\"", "{", "{\"serialNumber\":", "[{}]", "{\"a\":}", "\u0000", "{} {}",
        "{\"x\":1,}", "\ufeff{}", string.Concat(Enumerable.Repeat("{\"a\":", 2_000)) + "1" + string.Concat(Enumerable.Repeat("}", 2_000)),
    ];

    private static readonly string[] OddPathValues =
        ["0", "-1", "1", "9223372036854775807", "9223372036854775808", "abc", "1.5", "%20", "%2F..%2F", "1e3", "HQ", "FR-OWN", "\u00e9", new string('9', 400)];

    private static readonly string[] OddQueryValues =
    [
        "", "-1", "0", "1", "abc", "99999999999999999999", "2026-02-30", "2026-11-29T09:00:00Z", "1e5", "%00", "%FF%FE", "' OR 1=1 --",
        "%E2%80%AE", "%F0%9F%98%80", "null", "true", "all", "stolen", "pistol", "FR", "eyJ4IjoxfQ", "!!!notbase64", new string('q', 5_000),
    ];

    private JsonNode _document = null!;
    private ContractResponses _contract = null!;
    private HttpClient _client = null!;
    private string _firearmId = "";

    [OneTimeSetUp]
    public async Task Start()
    {
        using var admin = App.Admin();
        await (await admin.PostJsonAsync("/api/v1/agencies", new { code = "FR-OWN", name = "Fuzz owner", countryCode = "FR" })).ExpectAsync(HttpStatusCode.Created);
        var key = (string)(await (await admin.PostJsonAsync("/api/v1/agencies/FR-OWN/api-keys",
            new { roles = new[] { "search", "record", "trace", "audit", "admin" }, label = "fuzz" })).ExpectAsync(HttpStatusCode.Created))["key"]!;
        _client = App.ClientWithKey(key);
        var created = await (await _client.PostJsonAsync("/api/v1/firearms", Firearm("FZ 100-200"))).ExpectAsync(HttpStatusCode.Created);
        _firearmId = ((long)created["id"]!).ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var anonymous = App.ClientWithKey(null);
        _document = await (await anonymous.GetAsync("/swagger/v1/swagger.json")).ExpectAsync(HttpStatusCode.OK);
        _contract = new ContractResponses(_document);
    }

    [OneTimeTearDown]
    public void Stop() => _client.Dispose();

    [Test]
    public async Task NoMalformedRequestDerivedFromTheSchemasCausesAServerError()
    {
        var random = new Random(Seed);
        var failures = new List<string>();
        var sent = 0;
        var statuses = new SortedDictionary<int, int>();
        var titles = new SortedDictionary<int, SortedSet<string>>();
        var clock = Stopwatch.StartNew();
        var operations = _document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => (Template: p.Key, Method: HttpMethod.Parse(o.Key), Op: o.Value!)))
            .OrderBy(o => o.Method == HttpMethod.Delete)
            .ToList();

        foreach (var (template, method, op) in operations)
        {
            var parameters = op["parameters"]?.AsArray().Select(p => p!).ToList() ?? [];
            var bodySchema = op["requestBody"]?["content"]?["application/json"]?["schema"];
            for (var i = 0; i < RequestsPerOperation; i++)
            {
                var url = Url(template, parameters, random, mutate: bodySchema is null || random.Next(4) == 0);
                var (body, contentType) = bodySchema is null ? (null, null) : Body(bodySchema, random);
                using var request = new HttpRequestMessage(method, url);
                if (body is not null)
                {
                    request.Content = new StringContent(body, Encoding.UTF8);
                    request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType!);
                }
                if (method == HttpMethod.Put || method == HttpMethod.Delete)
                {
                    request.Headers.TryAddWithoutValidation("If-Match", random.Next(2) == 0 ? "*" : "\"1\"");
                }
                sent++;
                try
                {
                    using var response = await _client.SendAsync(request);
                    var status = (int)response.StatusCode;
                    statuses[status] = statuses.GetValueOrDefault(status) + 1;
                    var media = response.Content.Headers.ContentType?.MediaType;
                    if (status >= 500 || (status >= 400 && media != "application/problem+json"))
                    {
                        failures.Add($"{status} {media} for {method} {Shorten(url)} {Shorten(body)}");
                    }
                    else
                    {
                        var text = await response.Content.ReadAsStringAsync();
                        if (_contract.Disagreement(op, status, media, text) is { } disagreement)
                        {
                            failures.Add($"{disagreement} for {method} {Shorten(url)} {Shorten(body)}");
                        }
                        else if (status >= 400 && (string?)JsonNode.Parse(text)?["title"] is { } title)
                        {
                            (titles.TryGetValue(status, out var seen) ? seen : titles[status] = []).Add(title);
                        }
                    }
                }
                catch (Exception e) when (e is not AssertionException)
                {
                    failures.Add($"{e.GetType().Name} for {method} {Shorten(url)} {Shorten(body)}: {e.Message}");
                }
            }
        }

        TestContext.Out.WriteLine($"{sent} requests in {clock.Elapsed.TotalSeconds:F1} s: {string.Join(", ", statuses.Select(s => $"{s.Key} x{s.Value}"))}");
        Assert.That(failures, Is.Empty, string.Join(Environment.NewLine, failures.Take(30)));
        Assert.That(titles.Where(t => t.Value.Count > 1).Select(t => $"{t.Key}: {string.Join(" | ", t.Value)}"), Is.Empty, "one title per status");
    }

    private string Url(string template, List<JsonNode> parameters, Random random, bool mutate)
    {
        var url = template;
        var query = new List<string>();
        foreach (var parameter in parameters)
        {
            var name = (string)parameter["name"]!;
            if ((string?)parameter["in"] == "path")
            {
                var value = !mutate || random.Next(3) == 0 ? (name == "code" ? "FR-OWN" : _firearmId) : Pick(OddPathValues, random);
                url = url.Replace($"{{{name}}}", value.StartsWith('%') ? value : Uri.EscapeDataString(value), StringComparison.Ordinal);
            }
            else if ((string?)parameter["in"] == "query" && random.Next(2) == 0)
            {
                var value = Pick(OddQueryValues, random);
                query.Add($"{name}={(value.Contains('%') ? value : Uri.EscapeDataString(value))}");
                if (random.Next(8) == 0)
                {
                    query.Add($"{name}={Uri.EscapeDataString(Pick(OddQueryValues, random))}");
                }
            }
        }
        if (random.Next(10) == 0)
        {
            query.Add($"unknown{random.Next(100)}={Uri.EscapeDataString(Short(Pick(OddStrings, random), 50))}");
        }
        return query.Count == 0 ? url : $"{url}?{string.Join('&', query)}";
    }

    private (string Body, string ContentType) Body(JsonNode schema, Random random)
    {
        switch (random.Next(20))
        {
            case 0:
                return (Pick(OddBodies, random), "application/json");
            case 1:
                return (Sample(schema, 0)?.ToJsonString() ?? "{}", random.Next(2) == 0 ? "text/plain" : "application/xml");
        }
        var root = Sample(schema, 0) ?? new JsonObject();
        var slots = Slots(root).ToList();
        string? raw = null;
        if (slots.Count > 0)
        {
            var (parent, key, index) = slots[random.Next(slots.Count)];
            JsonNode? replacement = random.Next(7) switch
            {
                0 => null,
                1 => JsonValue.Create(Pick(OddStrings, random)),
                2 => JsonValue.Create(random.Next(3) switch { 0 => long.MaxValue, 1 => -1L, _ => 0L }),
                3 => new JsonArray(JsonValue.Create("x"), null, new JsonObject()),
                4 => new JsonObject { ["nested"] = JsonValue.Create(Pick(OddStrings, random)) },
                5 => JsonValue.Create(random.Next(2) == 0),
                _ => JsonValue.Create(RawMarker),
            };
            if (replacement is JsonValue marker && marker.TryGetValue<string>(out var text) && text == RawMarker)
            {
                raw = Pick(RawValues, random);
            }
            var remove = random.Next(6) == 0;
            if (parent is JsonObject obj)
            {
                if (remove)
                {
                    obj.Remove(key!);
                }
                else
                {
                    obj[key!] = replacement;
                }
            }
            else if (parent is JsonArray array)
            {
                array[index] = replacement;
            }
        }
        if (random.Next(8) == 0 && root is JsonObject extra)
        {
            extra[$"unexpected{random.Next(10)}"] = Short(Pick(OddStrings, random), 20);
        }
        var json = root.ToJsonString();
        return (raw is null ? json : json.Replace($"\"{RawMarker}\"", raw, StringComparison.Ordinal), "application/json");
    }

    /// <summary>A valid-looking instance of the schema: the first enum value, a plausible string per format, one item per array.</summary>
    private JsonNode? Sample(JsonNode schema, int depth)
    {
        if ((string?)schema["$ref"] is { } reference)
        {
            return depth > 6 ? null : Sample(_document["components"]!["schemas"]![reference.Split('/')[^1]]!, depth + 1);
        }
        if ((schema["oneOf"] ?? schema["anyOf"] ?? schema["allOf"]) is JsonArray options && options.Any(o => (string?)o!["type"] != "null"))
        {
            return Sample(options.First(o => (string?)o!["type"] != "null")!, depth + 1);
        }
        if (schema["enum"]?.AsArray().FirstOrDefault(e => e is not null) is { } first)
        {
            return first.DeepClone();
        }
        var type = schema["type"] switch
        {
            JsonArray types => types.Select(t => (string?)t).FirstOrDefault(t => t != "null"),
            JsonValue one => (string?)one,
            _ => schema["properties"] is not null ? "object" : null,
        };
        return type switch
        {
            "object" => new JsonObject((schema["properties"]?.AsObject() ?? [])
                .Select(p => KeyValuePair.Create(p.Key, depth > 6 ? null : Sample(p.Value!, depth + 1)))),
            "array" => new JsonArray(schema["items"] is { } items ? Sample(items, depth + 1) : JsonValue.Create("x")),
            "integer" => JsonValue.Create(1),
            "number" => JsonValue.Create(1.5),
            "boolean" => JsonValue.Create(false),
            "string" => (string?)schema["format"] switch
            {
                "date" => JsonValue.Create("2020-01-01"),
                "date-time" => JsonValue.Create("2026-01-01T00:00:00Z"),
                _ => JsonValue.Create("AB 123"),
            },
            _ => JsonValue.Create("x"),
        };
    }

    /// <summary>Every place in the tree a value sits: (parent, property name or null, array index).</summary>
    private static IEnumerable<(JsonNode Parent, string? Key, int Index)> Slots(JsonNode node)
    {
        if (node is JsonObject obj)
        {
            foreach (var (key, child) in obj.ToList())
            {
                yield return (obj, key, -1);
                if (child is not null)
                {
                    foreach (var slot in Slots(child))
                    {
                        yield return slot;
                    }
                }
            }
        }
        else if (node is JsonArray array)
        {
            for (var i = 0; i < array.Count; i++)
            {
                yield return (array, null, i);
                if (array[i] is { } child)
                {
                    foreach (var slot in Slots(child))
                    {
                        yield return slot;
                    }
                }
            }
        }
    }

    private static string Pick(string[] values, Random random) => values[random.Next(values.Length)];

    private static string Short(string text, int length) => text.Length > length ? text[..length] : text;

    private static string Shorten(string? text) => text is null ? "" : text.Length > 160 ? text[..160] + "…" : text;
}
