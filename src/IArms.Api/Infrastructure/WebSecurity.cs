using Microsoft.AspNetCore.HostFiltering;
using Microsoft.AspNetCore.HttpLogging;

namespace IArms.Api.Infrastructure;

/// <summary>
/// What every response of the service carries and what the host refuses before a handler runs:
/// browser security headers, no <c>Server</c> banner, host filtering, and a request log that never
/// holds a query string (a client that puts its API key there must not leave it in the logs).
/// </summary>
public static class WebSecurity
{
    /// <summary>Hosts accepted when <c>AllowedHosts</c> is not configured: enough for <c>scripts/run.sh</c> and the test host.</summary>
    public static readonly IReadOnlyList<string> DefaultAllowedHosts = ["localhost", "127.0.0.1", "[::1]"];

    public static WebApplicationBuilder AddWebSecurity(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        builder.WebHost.ConfigureKestrel(k => k.AddServerHeader = false);

        // The web host's own host filter runs before any middleware of ours and answers with an HTML page.
        // The same filter (same options, same AllowedHosts setting) runs instead after UseStatusCodePages, so a
        // refused Host gets problem+json like every other error.
        foreach (var filter in services.Where(d => d.ServiceType == typeof(IStartupFilter) && d.ImplementationType?.Name == "HostFilteringStartupFilter").ToList())
        {
            services.Remove(filter);
        }
        var configuration = builder.Configuration;
        services.PostConfigure<HostFilteringOptions>(o =>
        {
            // The host defaults an unset AllowedHosts to "*"; a police service answers only the names it was given.
            if (string.IsNullOrWhiteSpace(configuration["AllowedHosts"]))
            {
                o.AllowedHosts = [.. DefaultAllowedHosts];
            }
            o.IncludeFailureMessage = false;
        });

        // The host's "Request starting GET http://host/path?query" line would log a key sent as ?apiKey=;
        // the HTTP log below records the same requests without the query string.
        builder.Logging.AddFilter("Microsoft.AspNetCore.Hosting.Diagnostics", LogLevel.Warning);
        services.AddHttpLogging(o =>
        {
            o.LoggingFields = HttpLoggingFields.RequestMethod | HttpLoggingFields.RequestPath | HttpLoggingFields.RequestProtocol
                | HttpLoggingFields.ResponseStatusCode | HttpLoggingFields.Duration;
            o.CombineLogs = true;
        });
        return builder;
    }

    /// <summary>First in the pipeline, so that every answer (errors, 401s, Swagger) carries the headers.</summary>
    public static WebApplication UseSecurityHeaders(this WebApplication app)
    {
        app.UseHttpLogging();
        app.Use((context, next) =>
        {
            // On starting, not now: the exception handler clears the headers of a response it rewrites.
            context.Response.OnStarting(static state =>
            {
                var http = (HttpContext)state;
                var headers = http.Response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                // Police data and the one-time key must not stay in a browser's or a proxy's cache.
                headers.CacheControl = "no-store";
                var path = http.Request.Path;
                headers.ContentSecurityPolicy = path.StartsWithSegments("/swagger")
                    // Swagger UI loads its own scripts and styles, sets inline styles, and uses data: images.
                    ? "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
                    : path.StartsWithSegments(IArmsApp.ApiBase) || path.StartsWithSegments("/health") || path.StartsWithSegments("/metrics")
                        ? "default-src 'none'; frame-ancestors 'none'"
                        // The officer's pages: their own stylesheet, no script at all (none inline, none served), forms
                        // posting to themselves only; the QR code and route diagram are inline SVG markup, not images.
                        : "default-src 'self'; script-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";
                return Task.CompletedTask;
            }, context);
            return next(context);
        });
        return app;
    }

    /// <summary>After <c>UseStatusCodePages</c>: a Host outside <c>AllowedHosts</c> is a 400 problem.</summary>
    public static WebApplication UseAllowedHosts(this WebApplication app)
    {
        app.UseHostFiltering();
        return app;
    }
}
