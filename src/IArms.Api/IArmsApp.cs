using FluentValidation;
using IArms.Api.Agencies;
using IArms.Api.Alerts;
using IArms.Api.Analysis;
using IArms.Api.Audit;
using IArms.Api.Bulk;
using IArms.Api.Data;
using IArms.Api.Firearms;
using IArms.Api.Health;
using IArms.Api.Hosting;
using IArms.Api.Infrastructure;
using IArms.Api.Infrastructure.OpenApi;
using IArms.Api.Operations;
using IArms.Api.Reference;
using IArms.Api.Search;
using IArms.Api.Tracing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.OpenApi;

namespace IArms.Api;

/// <summary>The composition of the service: what Program.cs and the test host both build.</summary>
public static class IArmsApp
{
    public const string ApiBase = "/api/v1";

    public static WebApplicationBuilder AddIArms(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        DapperTypeHandlers.Register();
        ValidationExtensions.UseCamelCasePropertyNames();

        services.AddSingleton(TimeProvider.System);
        // First: hosted services start in order, and the features' need a migrated database.
        services.AddHosting();
        services.AddFirearms();
        services.AddReference();
        services.AddAlerts();
        services.AddSearch();
        services.AddAudit();
        services.AddTracing();
        services.AddAnalysis();
        services.AddIdempotency();
        services.AddImports();
        // Last of the hosted services: the demo writes through every feature, the audit writer included.
        services.AddHostedService<DemoSeeder>();
        builder.AddWebSecurity();
        builder.AddOperations();

        services.AddValidatorsFromAssemblyContaining<DatabaseOptions>(ServiceLifetime.Singleton);
        services.AddProblemDetails(o => o.CustomizeProblemDetails = Problems.Complete);
        services.AddExceptionHandler<ProblemExceptionHandler>();
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.AllowTrailingCommas = false;
            o.SerializerOptions.Converters.Add(new NfcStringConverter());
        });
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = RequestSizeLimitMiddleware.MaxBodyBytes);

        // Keys live in memory: nothing here encrypts data at rest, and nothing may be written under $HOME.
        services.AddDataProtection();
        services.PostConfigure<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>(o => o.XmlRepository = new InMemoryXmlRepository());
        services.AddAgencies();

        services.AddContractDocument();
        return builder;
    }

    public static WebApplication UseIArms(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseAllowedHosts();
        app.UseMiddleware<RequestSizeLimitMiddleware>();
        app.UseSwagger(o => o.OpenApiVersion = OpenApiSpecVersion.OpenApi3_1);
        app.UseSwaggerUI(o => o.DocumentTitle = "IArms API");
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseMiddleware<AuditFailureMiddleware>();
        app.UseIdempotency();

        app.MapHealth();
        app.MapMetrics();
        // Every route is audited (outermost, so that refused requests are audited too) and its request validated
        // by its FluentValidation validator, if it has one: both set once, here.
        var api = app.MapGroup(ApiBase).AuditEveryRoute().WithValidation();
        api.MapAgencies();
        api.MapFirearms();
        api.MapAlerts();
        api.MapSearch();
        api.MapAudit();
        api.MapReference();
        api.MapTracing();
        api.MapAnalysis();
        api.MapImports();
        api.MapExports();
        return app;
    }
}
