using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.FileProviders;

namespace IArms.Api.Pages;

/// <summary>
/// The officer's web page, served by the same process at <c>/</c>: Razor Pages (server-rendered, encoded by default,
/// antiforgery on every form), every page but sign-in and enrolment behind the officer's session, and one local
/// stylesheet served from the assembly. No script is served at all: every page works without JavaScript.
/// </summary>
public static class OfficerPages
{
    public const string StylesheetPath = "/assets/site.css";

    public static IServiceCollection AddOfficerPages(this IServiceCollection services)
    {
        services.AddRazorPages(o =>
        {
            o.Conventions.AuthorizeFolder("/");
            o.Conventions.AllowAnonymousToPage("/SignIn");
            o.Conventions.AllowAnonymousToPage("/Enrol");
            o.Conventions.AllowAnonymousToPage("/Forbidden");
            o.Conventions.AddPageRoute("/Edit", "firearms/new");
        });
        services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "iarms-antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
        });
        return services;
    }

    /// <summary>The stylesheet (before authentication: the sign-in page needs it) and the pages.</summary>
    public static WebApplication UseOfficerAssets(this WebApplication app)
    {
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = new EmbeddedFileProvider(typeof(OfficerPages).Assembly, "IArms.Api.wwwroot"),
            RequestPath = "/assets",
        });
        return app;
    }

    public static WebApplication MapOfficerPages(this WebApplication app)
    {
        app.MapRazorPages();
        return app;
    }
}
