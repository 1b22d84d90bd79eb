using System.Reflection;
using FluentValidation;
using IArms.Api.Agencies;
using Microsoft.OpenApi;
using Swashbuckle.AspNetCore.SwaggerGen;

namespace IArms.Api.Infrastructure.OpenApi;

/// <summary>
/// The OpenAPI 3.1 document, <c>openapi/iarms-v1.json</c>: Swashbuckle generates it from the routes and the XML
/// comments, and the filters here make it state exactly what the service enforces, centrally, so that a new route
/// comes out right without editing the document by hand.
/// </summary>
public static class ContractDocument
{
    public const string Name = "v1";

    public static IServiceCollection AddContractDocument(this IServiceCollection services)
    {
        services.AddSingleton<ValidatorLimits>();
        services.AddEndpointsApiExplorer();
        services.AddSwaggerGen(o =>
        {
            o.SwaggerDoc(Name, new OpenApiInfo
            {
                Title = "IArms API",
                Version = "v1",
                Description = "Firearms records and tracing: record lost, stolen, trafficked, smuggled and seized firearms, " +
                              "search serial numbers, and trace weapons across agencies. Authenticate with the X-Api-Key header. " +
                              "Every error is `application/problem+json`; lists are keyset-paged (`limit`, `cursor` → `nextCursor`).",
            });
            o.AddSecurityDefinition(ApiKeyAuthenticationHandler.SchemeName, new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = ApiKeyAuthenticationHandler.Header,
                Description = "An agency's API key.",
            });
            // C# nullable annotations decide what may be null; a non-nullable reference property is always sent.
            o.SupportNonNullableReferenceTypes();
            o.NonNullableReferenceTypesAsRequired();
            o.SchemaFilter<ContractSchemas>();
            o.ParameterFilter<ContractParameters>();
            o.OperationFilter<ContractOperations>();
            o.DocumentFilter<ContractDocumentFilter>();
            var xml = Path.Combine(AppContext.BaseDirectory, $"{Assembly.GetExecutingAssembly().GetName().Name}.xml");
            if (File.Exists(xml))
            {
                o.IncludeXmlComments(xml);
            }
        });
        return services;
    }

    /// <summary>Every request type a validator is registered for in this assembly.</summary>
    internal static IEnumerable<Type> ValidatedTypes() =>
        typeof(ContractDocument).Assembly.GetTypes()
            .Select(t => t.BaseType is { IsGenericType: true } b && b.GetGenericTypeDefinition() == typeof(AbstractValidator<>) ? b.GetGenericArguments()[0] : null)
            .OfType<Type>();
}
