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
using IArms.Api.Notices;
using IArms.Api.Officers;
using IArms.Api.Infrastructure.OpenApi;
using IArms.Api.Operations;
using IArms.Api.Pages;
using IArms.Api.Reference;
using IArms.Api.Search;
using IArms.Api.Tracing;
using IArms.Api.Webhooks;
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
        services.AddWebhooks();
        services.AddNotices();
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
            // Strict binding: a field the contract does not name (a typo, PascalCase, a field of another version) is a
            // 400 naming it, not silently dropped, so a client never believes it stored something it did not.
            o.SerializerOptions.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
            o.SerializerOptions.PropertyNameCaseInsensitive = false;
            o.SerializerOptions.Converters.Add(new NfcStringConverter());
        });
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = RequestSizeLimitMiddleware.MaxBodyBytes);

        // Keys live in memory: nothing here encrypts data at rest, and nothing may be written under $HOME.
        services.AddDataProtection();
        services.PostConfigure<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>(o => o.XmlRepository = new InMemoryXmlRepository());
        services.AddAgencies();
        services.AddOfficers(builder.Environment);
        services.AddOfficerPages();

        services.AddSingleton<DeclaredQueryParameters>();
        services.AddRateLimits();
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
        app.UseOfficerAssets();
        app.UseAuthentication();
        app.UseRateLimits();
        app.UseAuthorization();
        app.UseMiddleware<AuditFailureMiddleware>();
        app.UseIdempotency();

        app.MapHealth();
        app.MapMetrics();
        // Every route is audited (outermost, so that refused requests are audited too), counted against its caller's
        // rate budget, refuses query parameters it does not declare, and has its request validated by its
        // FluentValidation validator, if it has one: all set once, here.
        var api = app.MapGroup(ApiBase).AuditEveryRoute().WithRateLimits().WithStrictQuery().WithValidation();
        api.MapAgencies();
        api.MapOfficers();
        api.MapFirearms();
        api.MapAlerts();
        api.MapSearch();
        api.MapAudit();
        api.MapReference();
        api.MapTracing();
        api.MapAnalysis();
        api.MapImports();
        api.MapExports();
        api.MapWebhooks();
        api.MapNotices();
        app.MapOfficerPages();
        return app;
    }
}
