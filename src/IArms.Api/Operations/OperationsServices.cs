using IArms.Api.Agencies;
using Microsoft.Extensions.Logging.Console;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace IArms.Api.Operations;

/// <summary>
/// What an operations team runs IArms with: OpenTelemetry traces and metrics (Prometheus at <c>/metrics</c>, OTLP
/// when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set), logs that carry their trace id, and a bounded graceful shutdown.
/// </summary>
public static class OperationsServices
{
    public const string MetricsPath = "/metrics";

    /// <summary>Setting: a port of its own on which <c>/metrics</c> is served without a key (for a scraper on a private network).</summary>
    public const string MetricsPortSetting = "Metrics:Port";

    /// <summary>Setting: record spans without an OTLP endpoint (for an exporter added in code, as the tests do).</summary>
    public const string TracesSetting = "Telemetry:Traces";

    /// <summary>Setting: seconds the host waits on SIGTERM for requests in flight and the audit writer to finish.</summary>
    public const string ShutdownSecondsSetting = "IArms:ShutdownSeconds";

    public static WebApplicationBuilder AddOperations(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddSingleton<TraceRequestSnapshot>();
        services.AddHostedService(sp => sp.GetRequiredService<TraceRequestSnapshot>());
        services.AddSingleton<IArmsMetrics>();

        var otlp = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var telemetry = services.AddOpenTelemetry().ConfigureResource(r => r.AddService(Telemetry.Name));
        // Spans are recorded only when something reads them: with no exporter, recording a span per request, per SQL
        // statement and per search tier cost every search CPU for nothing. Log lines carry trace ids either way (the
        // host starts a request's activity, from its traceparent, without a listener).
        if (otlp || builder.Configuration.GetValue<bool>(TracesSetting))
        {
            telemetry.WithTracing(t => t
                .AddSource(Telemetry.Name)
                // Health probes and scrapes every few seconds would drown the traces worth reading.
                .AddAspNetCoreInstrumentation(o => o.Filter = c => !c.Request.Path.StartsWithSegments("/health") && !c.Request.Path.StartsWithSegments(MetricsPath))
                .AddHttpClientInstrumentation()
                // The statement text has only @names; parameter values are never recorded.
                .AddSqlClientInstrumentation());
        }
        telemetry
            .WithMetrics(m => m
                .AddMeter(Telemetry.Name)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                // Prometheus reserves the _count suffix for histograms and summaries (promtool refuses these names otherwise).
                .AddView("dotnet.assembly.count", "dotnet.assemblies")
                .AddView("dotnet.process.cpu.count", "dotnet.process.cpus")
                .AddView("dotnet.timer.count", "dotnet.timers")
                .AddPrometheusExporter());
        if (otlp)
        {
            // Only then: with no endpoint configured nothing leaves the process.
            telemetry.UseOtlpExporter();
        }

        // Each line carries its trace and span ids (the host's default ActivityTrackingOptions), written as scopes:
        // the JSON formatter (Logging__Console__FormatterName=json) prints them only with IncludeScopes.
        services.Configure<JsonConsoleFormatterOptions>(o => o.IncludeScopes = true);

        var shutdown = builder.Configuration.GetValue<int?>(ShutdownSecondsSetting) ?? 30;
        services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(shutdown));

        if (builder.Configuration.GetValue<int?>(MetricsPortSetting) is { } port)
        {
            // Listen on the metrics port beside the configured URLs (setting URLs replaces them, so they are repeated).
            var urls = builder.Configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } configured ? configured : "http://localhost:5000";
            builder.WebHost.UseUrls($"{urls};http://*:{port}");
        }
        return builder;
    }

    /// <summary>
    /// <c>GET /metrics</c> in Prometheus' text format: for the central administrator's key, or, when
    /// <c>Metrics:Port</c> is set, on that port only and without a key. Not part of the API: not in the OpenAPI document.
    /// </summary>
    public static IEndpointConventionBuilder MapMetrics(this WebApplication app)
    {
        var endpoint = app.MapPrometheusScrapingEndpoint(MetricsPath);
        return app.Configuration.GetValue<int?>(MetricsPortSetting) is { } port
            ? endpoint.RequireHost($"*:{port}").AllowAnonymous()
            : endpoint.RequireAuthorization(Policies.CentralAdmin);
    }
}
