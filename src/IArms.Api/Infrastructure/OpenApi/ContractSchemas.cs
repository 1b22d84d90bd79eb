using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace IArms.Api.Infrastructure.OpenApi;

/// <summary>
/// Makes each schema say what the service enforces and returns: nullable references as <c>oneOf [$ref, null]</c> (C#
/// nullable annotations decide), <c>enum</c> from <see cref="VocabularyAttribute"/>, lengths, patterns and ranges from
/// the type's validator (<see cref="ValidatorLimits"/>), <c>required</c> from its unconditional NotEmpty/NotNull rules,
/// and integer ranges from the CLR type where nothing narrower is enforced.
/// </summary>
public sealed class ContractSchemas(ValidatorLimits validators) : ISchemaFilter
{
    private static readonly NullabilityInfoContext Nullability = new();

    public void Apply(IOpenApiSchema schema, SchemaFilterContext context)
    {
        if (schema is not OpenApiSchema concrete)
        {
            return;
        }
        if (concrete.Properties is { Count: > 0 } properties)
        {
            ApplyToObject(concrete, properties, context.Type);
            if (ContractExamples.For(context.Type) is { } example)
            {
                concrete.Examples = [example];
            }
        }
        ContractSchemaRules.BoundIntegers(concrete, context.Type);
    }

    private void ApplyToObject(OpenApiSchema schema, IDictionary<string, IOpenApiSchema> properties, Type type)
    {
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            var name = JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            if (!properties.TryGetValue(name, out var propertySchema))
            {
                continue;
            }
            var nullable = Nullable.GetUnderlyingType(property.PropertyType) is not null
                || (!property.PropertyType.IsValueType && Nullability.Create(property).ReadState == NullabilityState.Nullable);
            var (limits, itemLimits) = validators.For(type, property.Name);
            if (propertySchema is OpenApiSchemaReference reference && nullable)
            {
                // OpenAPI 3.1: a reference that may be null is a choice between the referenced schema and null.
                properties[name] = new OpenApiSchema
                {
                    Description = reference.Description,
                    OneOf = [new OpenApiSchemaReference(reference.Reference.Id!, reference.Reference.HostDocument), new OpenApiSchema { Type = JsonSchemaType.Null }],
                };
                continue;
            }
            if (propertySchema is not OpenApiSchema target)
            {
                continue;
            }
            ContractSchemaRules.Apply(target, property, limits, itemLimits, nullable);
            if (limits?.Required == true)
            {
                // Required by the validator, which also refuses null: the C# type is nullable only so that it can say so.
                schema.Required ??= new HashSet<string>();
                schema.Required.Add(name);
                if (target.Type is { } t)
                {
                    target.Type = t & ~JsonSchemaType.Null;
                }
                if (target.Enum is { } words)
                {
                    target.Enum = words.Where(w => w is not null).ToList();
                }
            }
        }
    }
}

/// <summary>The rules shared by property schemas (<see cref="ContractSchemas"/>) and parameter schemas (<see cref="ContractParameters"/>).</summary>
public static class ContractSchemaRules
{
    public static void Apply(OpenApiSchema target, ICustomAttributeProvider? member, MemberLimits? limits, MemberLimits? itemLimits, bool nullable)
    {
        var isArray = target.Type?.HasFlag(JsonSchemaType.Array) == true;
        var items = isArray ? target.Items as OpenApiSchema : null;
        var vocabulary = member?.GetCustomAttributes(typeof(VocabularyAttribute), false).OfType<VocabularyAttribute>().FirstOrDefault();
        if (member?.IsDefined(typeof(CountryCodeAttribute), false) == true)
        {
            var code = items ?? target;
            code.Pattern = IArms.Core.Countries.Pattern;
            code.MaxLength = 2;
        }
        if (vocabulary is not null)
        {
            var words = vocabulary.Words().Select(w => (JsonNode)JsonValue.Create(w)).ToList();
            if (items is not null)
            {
                // Lists of words are sets (the validators refuse repeats): at most every word once.
                items.Enum = words;
                target.MaxItems ??= words.Count;
                target.UniqueItems = true;
            }
            else
            {
                // A null must be among the allowed values too, or a nullable field's null fails the enum.
                target.Enum = nullable && target.Type?.HasFlag(JsonSchemaType.Null) == true ? [.. words, null!] : words;
            }
        }
        if (limits is not null)
        {
            Limit(target, limits, isArray);
        }
        if (itemLimits is not null && items is not null)
        {
            Limit(items, itemLimits, array: false);
        }
        BoundDates(items ?? target);
    }

    /// <summary>ISO 8601 dates and times have a longest form: <c>2026-01-31</c>, <c>2026-01-31T23:59:59.9999999+00:00</c>.</summary>
    public static void BoundDates(OpenApiSchema schema)
    {
        if (schema.Type?.HasFlag(JsonSchemaType.String) == true && schema.MaxLength is null)
        {
            schema.MaxLength = schema.Format switch { "date" => 10, "date-time" => 33, _ => null };
        }
    }

    private static void Limit(OpenApiSchema target, MemberLimits limits, bool array)
    {
        if (array)
        {
            return;
        }
        target.MaxLength = limits.MaxLength ?? target.MaxLength;
        target.MinLength = limits.MinLength ?? target.MinLength;
        target.Pattern = limits.Pattern ?? target.Pattern;
        if (limits.Minimum is { } min)
        {
            target.Minimum = min.ToString(CultureInfo.InvariantCulture);
        }
        if (limits.Maximum is { } max)
        {
            target.Maximum = max.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>An integer the validator leaves open is bounded by its CLR type: that much is always true.</summary>
    public static void BoundIntegers(OpenApiSchema schema, Type type)
    {
        if (schema.Type?.HasFlag(JsonSchemaType.Integer) != true)
        {
            return;
        }
        var clr = Nullable.GetUnderlyingType(type) ?? type;
        var (min, max) = clr == typeof(long) ? (long.MinValue.ToString(CultureInfo.InvariantCulture), long.MaxValue.ToString(CultureInfo.InvariantCulture))
            : clr == typeof(int) ? (int.MinValue.ToString(CultureInfo.InvariantCulture), int.MaxValue.ToString(CultureInfo.InvariantCulture))
            : ((string?)null, (string?)null);
        schema.Minimum ??= min;
        schema.Maximum ??= max;
    }
}
