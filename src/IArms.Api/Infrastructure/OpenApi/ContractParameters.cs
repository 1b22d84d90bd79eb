using System.Reflection;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace IArms.Api.Infrastructure.OpenApi;

/// <summary>
/// Query, path and header parameters get the same rules as body fields: the vocabulary of the property or handler
/// parameter and the limits its <c>[AsParameters]</c> record's validator enforces (descriptions the XML comments do not
/// give come from <see cref="ContractGlossary"/>).
/// </summary>
public sealed class ContractParameters(ValidatorLimits validators) : IParameterFilter
{
    public void Apply(IOpenApiParameter parameter, ParameterFilterContext context)
    {
        if (parameter is not OpenApiParameter concrete)
        {
            return;
        }
        if (concrete.Schema is not OpenApiSchema schema)
        {
            return;
        }
        ICustomAttributeProvider? member = context.PropertyInfo ?? (ICustomAttributeProvider?)context.ParameterInfo;
        var (limits, items) = context.PropertyInfo is { DeclaringType: { } owner } property ? validators.For(owner, property.Name) : (null, null);
        ContractSchemaRules.Apply(schema, member, limits, items, nullable: !concrete.Required);
        if (concrete.Name == "cursor")
        {
            schema.MaxLength = Cursor.MaxLength;
        }
        var clr = context.PropertyInfo?.PropertyType ?? context.ParameterInfo?.ParameterType;
        if (clr is not null)
        {
            ContractSchemaRules.BoundIntegers(schema, clr);
        }
    }
}
