using IArms.Api;
using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace IArms.Api.Infrastructure.OpenApi;

/// <summary>
/// The contract's examples, one registry for every body: a realistic value per JSON field name (police data, as the
/// README's walkthrough has it), from which an example of each type is composed by its C# shape, and whole examples
/// for the types where a composed one would not tell the story. A contract test validates every example against its
/// schema, so an example cannot drift from the rules.
/// </summary>
public static class ContractExamples
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    /// <summary>Values by camelCase field name (and, where one name carries two types, by name and type).</summary>
    private static readonly Dictionary<string, object?> ByName = new(StringComparer.Ordinal)
    {
        ["id"] = 42L, ["firearmId"] = 42L, ["traceRequestId"] = 7L, ["keyId"] = 3L, ["eventId"] = 118L,
        ["afterEventId"] = 117L, ["beforeEventId"] = 118L, ["lastLawfulEventId"] = 117L, ["firstIllicitEventId"] = 118L,
        ["anchorEntryId"] = 1L, ["firstEntryId"] = 1L, ["lastEntryId"] = 5120L, ["firstBrokenEntryId"] = null, ["entries"] = 5120L,
        ["code"] = "FR-NCB", ["agency"] = "DE-BKA", ["ownerAgency"] = "FR-NCB", ["fromAgency"] = "DE-BKA", ["toAgency"] = "FR-NCB",
        ["source"] = "FR-NCB", ["retractedBy"] = null, ["name"] = "INTERPOL NCB Paris", ["label"] = "national system",
        ["countryCode"] = "FR", ["fromCountry"] = "DE", ["toCountry"] = "FR", ["eventCountryCode"] = "FR", ["countryOfManufacture"] = "AT",
        ["key"] = "iarms_7Qm2Xv9kLr4TzP1sWb6NcY3hJd8GfE5a", ["prefix"] = "iarms_7Qm2",
        ["externalId"] = "FR-2026-000999", ["serialNumber"] = "KX 442-901", ["normalizedSerial"] = "KX442901", ["matchedSerial"] = "KX 442-901",
        ["firstSerial"] = "KX 442-880", ["lastSerial"] = "KX 442-901", ["value"] = "KX 442-901",
        ["make"] = "Glock", ["canonicalMake"] = "Glock", ["model"] = "19", ["calibre"] = "9mm Luger", ["canonicalCalibre"] = "9x19mm Parabellum",
        ["canonicalName"] = "Glock", ["alias"] = "Glock Ges.m.b.H.", ["aliases"] = new[] { "Glock GmbH", "Glock Ges.m.b.H." },
        ["yearOfManufacture"] = 2019, ["importMarking"] = "", ["eventPlace"] = "Lille", ["place"] = "Wien",
        ["caseReference"] = "PJ-2026-77", ["documentReference"] = "AT-EXP-2020-114", ["reference"] = "AT-EXP-2020-114",
        ["licence"] = "W-2231", ["notes"] = "", ["message"] = "DE-BKA searched KX 442-9OI (seizure) and found your record FR-2026-000999.",
        ["reason"] = "Entered against the wrong firearm.", ["retractionReason"] = null, ["detail"] = null,
        ["searchId"] = "0f5c3a1e-8d2b-4c7a-9e61-5b2f3d4c1a90", ["purpose"] = "seizure",
        ["nextCursor"] = "djE6NDI", ["cursor"] = "djE6NDI", ["ref"] = "cache-item-1", ["objectId"] = "/firearms/42",
        ["sourceAddress"] = "10.20.30.40", ["officer"] = null, ["query"] = "KX 442-9OI", ["failure"] = null,
        ["partyId"] = "p-4f1a9c", ["period"] = "2026-09", ["displayName"] = "Pistol", ["description"] = "A handgun with a chamber integral to the barrel.",
        ["outcome"] = "traced", ["reasonCode"] = null, ["priority"] = "routine", ["confidence"] = "high", ["kind"] = "hit",
        ["indicators"] = new[] { "diverted-after-export" }, ["issues"] = Array.Empty<string>(),
        ["matchedLocation"] = "frame", ["match"] = "confusable", ["distance"] = 0, ["score"] = 85,
    };

    /// <summary>Whole examples, where the composed one would mix up what a field means in that place.</summary>
    private static readonly Dictionary<Type, object> ByType = new()
    {
        [typeof(Tracing.CustodyParty)] = new Tracing.CustodyParty("Glock GmbH", "manufacturer", "AT", "W-2231"),
        [typeof(Firearms.Visibility)] = new Firearms.Visibility("countries", ["FR", "DE", "BE"]),
        [typeof(ProblemDetails)] = new ProblemDetails
        {
            Type = "https://tools.ietf.org/html/rfc9110#section-15.5.5", Title = "Not found.", Status = 404,
            Detail = "No firearm 42 is visible to this agency.", Instance = "/api/v1/firearms/42",
        },
        [typeof(HttpValidationProblemDetails)] = new HttpValidationProblemDetails(new Dictionary<string, string[]>
        {
            ["serialNumber"] = ["'serialNumber' must contain at least one letter or digit."],
        })
        {
            Type = "https://tools.ietf.org/html/rfc9110#section-15.5.1", Title = "The request is not valid.", Status = 400,
            Instance = "/api/v1/firearms",
        },
    };

    private static readonly DateTimeOffset At = new(2026, 9, 12, 8, 30, 0, TimeSpan.Zero);

    /// <summary>The example of <paramref name="type"/> as JSON, or null for a type the contract does not describe.</summary>
    public static JsonNode? For(Type type) => Compose(type, 0, null);

    private static JsonNode? Compose(Type type, int depth, MemberInfo? member)
    {
        var clr = Nullable.GetUnderlyingType(type) ?? type;
        if (ByType.TryGetValue(clr, out var whole))
        {
            return JsonSerializer.SerializeToNode(whole, clr, Web);
        }
        var name = member is null ? null : JsonNamingPolicy.CamelCase.ConvertName(member.Name);
        if (member?.GetCustomAttribute<VocabularyAttribute>() is { } vocabulary && !IsList(clr))
        {
            return JsonValue.Create(vocabulary.Words()[0]);
        }
        if (name is not null && ByName.TryGetValue(name, out var known) && Fits(known, clr))
        {
            return JsonSerializer.SerializeToNode(known, Web);
        }
        if (clr == typeof(string))
        {
            return JsonValue.Create(member?.IsDefined(typeof(CountryCodeAttribute)) == true ? "FR" : "text");
        }
        if (clr == typeof(long) || clr == typeof(int))
        {
            return JsonValue.Create(3);
        }
        if (clr == typeof(double))
        {
            return JsonValue.Create(0.92);
        }
        if (clr == typeof(bool))
        {
            return JsonValue.Create(false);
        }
        if (clr == typeof(DateOnly))
        {
            return JsonValue.Create("2026-09-12");
        }
        if (clr == typeof(DateTimeOffset))
        {
            return JsonSerializer.SerializeToNode(At, Web);
        }
        if (depth > 8)
        {
            return null;
        }
        if (clr.IsGenericType && clr.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
        {
            return new JsonObject { ["part"] = Compose(clr.GetGenericArguments()[1], depth + 1, null) };
        }
        if (IsList(clr))
        {
            var element = clr.IsArray ? clr.GetElementType()! : clr.GetGenericArguments()[0];
            var vocabularyItem = member?.GetCustomAttribute<VocabularyAttribute>()?.Words()[0];
            var country = member?.IsDefined(typeof(CountryCodeAttribute)) == true;
            return new JsonArray(vocabularyItem is not null ? JsonValue.Create(vocabularyItem) : country ? JsonValue.Create("FR") : Compose(element, depth + 1, null));
        }
        if (clr.Assembly != typeof(ContractExamples).Assembly && clr.Assembly != typeof(IArms.Core.Countries).Assembly)
        {
            return null;
        }
        var example = new JsonObject();
        foreach (var property in clr.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            example[JsonNamingPolicy.CamelCase.ConvertName(property.Name)] = Compose(property.PropertyType, depth + 1, property);
        }
        return example;
    }

    private static bool IsList(Type type) => type != typeof(string) && (type.IsArray ||
        type.IsGenericType && type.GetGenericTypeDefinition() is var d && (d == typeof(IReadOnlyList<>) || d == typeof(IEnumerable<>) || d == typeof(List<>)));

    private static bool Fits(object? value, Type type) => value switch
    {
        null => !type.IsValueType || Nullable.GetUnderlyingType(type) is not null,
        long or int => type == typeof(long) || type == typeof(int),
        string => type == typeof(string),
        IEnumerable => IsList(type),
        _ => false,
    };
}
