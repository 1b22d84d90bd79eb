using IArms.Api.Agencies;
using IArms.Api.Audit;
using IArms.Api.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace IArms.Api.Officers;

/// <summary>
/// Officer accounts, managed like an agency's API keys: the central administrator manages every agency's officers, an
/// agency's <c>admin</c> only its own (another agency's answers 403, whether or not it exists), and only the central
/// administrator gives an officer the <c>admin</c> role.
/// </summary>
public static class OfficerApi
{
    public static RouteGroupBuilder MapOfficers(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/agencies/{code}/officers").WithTags("Officers");

        group.MapPost("/", Create).RequireAuthorization(Roles.Admin).ProducesProblem(403).ProducesProblem(404).ProducesProblem(409)
            .Audited(AuditActions.OfficerCreate).WithName("CreateOfficer")
            .WithSummary("Creates an officer account and its one-time enrolment code.")
            .WithDescription("The officer opens `enrolmentPath` on this service within 72 hours to set a password (at least 12 characters) " +
                             "and a TOTP second factor; the code is shown once and stored hashed.");
        group.MapGet("/", List).RequireAuthorization(Roles.Admin).ProducesProblem(403).ProducesProblem(404)
            .Audited(AuditActions.OfficerList).WithName("ListOfficers")
            .WithSummary("Lists an agency's officer accounts (never their secrets).")
            .WithDescription("Oldest first, keyset paged with `limit` and `cursor`; each account's status is pending, active, locked or disabled.");
        group.MapDelete("/{id:long}", Disable).RequireAuthorization(Roles.Admin).ProducesProblem(403).ProducesProblem(404)
            .Audited(AuditActions.OfficerDisable).WithName("DisableOfficer")
            .WithSummary("Disables an officer account; its sessions stop at once.")
            .WithDescription("The account is kept (the audit log names it) but can no longer sign in or enrol; disabling twice is harmless.");
        return group;
    }

    /// <summary>
    /// Registers officer accounts and their sign-in: a cookie scheme for the officer's pages beside the API-key scheme,
    /// and a policy scheme, the default, that picks one per request. The API (and any request carrying an API key)
    /// is authenticated by key exactly as before; the pages by the officer's cookie.
    /// </summary>
    public static IServiceCollection AddOfficers(this IServiceCollection services, IHostEnvironment environment)
    {
        services.AddSingleton<OfficerQueries>();
        services.AddSingleton<OfficerAccounts>();
        services.AddAuthentication(OfficerAuthentication.DefaultScheme)
            .AddPolicyScheme(OfficerAuthentication.DefaultScheme, "API key or officer session", o => o.ForwardDefaultSelector = context =>
                OfficerAuthentication.IsPageRequest(context.Request) ? OfficerAuthentication.CookieScheme : ApiKeyAuthenticationHandler.SchemeName)
            .AddCookie(OfficerAuthentication.CookieScheme, o => OfficerAuthentication.Configure(o, environment));
        return services;
    }

    private static async Task<Results<Created<OfficerCreatedResponse>, ProblemHttpResult>> Create(
        string code, CreateOfficerRequest request, Caller caller, AgencyQueries agencies, OfficerQueries queries, TimeProvider clock, CancellationToken ct)
    {
        if (!caller.Manages(code))
        {
            return OtherAgency(code);
        }
        if (!caller.MayGrant(request.Roles!))
        {
            return TypedResults.Problem("Only the central administrator (HQ) gives an officer the admin role; your agency's admin gives the other roles.",
                statusCode: 403, title: "Forbidden.");
        }
        var agencyId = await agencies.FindIdAsync(code, ct);
        if (agencyId is null)
        {
            return Problems.NotFound($"No agency has code '{code}'.");
        }
        var (enrolment, hash, secret) = OfficerAccounts.NewEnrolment();
        var expiresAt = clock.GetUtcNow() + OfficerAccounts.EnrolmentLifetime;
        var roles = request.Roles!.Distinct().Order(StringComparer.Ordinal).ToList();
        var id = await queries.CreateAsync(agencyId.Value, request.Username!, request.DisplayName!.Trim(), roles, hash, expiresAt, secret, ct);
        if (id is null)
        {
            return Problems.Conflict($"An officer with username '{request.Username}' already exists; usernames are unique across IArms.");
        }
        return TypedResults.Created($"{IArmsApp.ApiBase}/agencies/{code}/officers/{id}", new OfficerCreatedResponse(
            id.Value, request.Username!, request.DisplayName!.Trim(), roles, enrolment, OfficerAccounts.EnrolmentPath(enrolment), expiresAt));
    }

    private static async Task<Results<Ok<OfficerPage>, ProblemHttpResult>> List(
        string code, Caller caller, AgencyQueries agencies, OfficerQueries queries, [AsParameters] PageRequest page, CancellationToken ct)
    {
        if (!caller.Manages(code))
        {
            return OtherAgency(code);
        }
        if (page.TryRead(0, out var take, out var afterId) is { } badPage)
        {
            return badPage;
        }
        if (await agencies.FindIdAsync(code, ct) is null)
        {
            return Problems.NotFound($"No agency has code '{code}'.");
        }
        return TypedResults.Ok(await queries.ListAsync(code, afterId, take, ct));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Disable(
        string code, long id, Caller caller, OfficerQueries queries, CancellationToken ct) =>
        !caller.Manages(code) ? OtherAgency(code) : await queries.DisableAsync(code, id, ct) switch
        {
            OfficerQueries.DisableOutcome.NotFound => Problems.NotFound($"Agency '{code}' has no officer {id}."),
            _ => TypedResults.NoContent(),
        };

    private static ProblemHttpResult OtherAgency(string code) => TypedResults.Problem(
        $"Your agency's admin key manages your agency's officers only, not those of '{code}'; the central administrator manages every agency's.",
        statusCode: 403, title: "Forbidden.");
}

/// <summary>The officer's session: a cookie holding the officer's <see cref="Caller"/>, checked against the account on every request.</summary>
public static class OfficerAuthentication
{
    public const string DefaultScheme = "IArms";
    public const string CookieScheme = "Officer";
    public const string CookieName = "iarms-officer";
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);

    /// <summary>The paths of the machine interfaces, which only API keys open (a cookie there would invite CSRF).</summary>
    private static readonly string[] KeyOnlyPaths = [IArmsApp.ApiBase, "/metrics", "/health", "/swagger"];

    /// <summary>
    /// A request for the officer's pages: authenticated by the session cookie. Anything carrying an API key, and every
    /// machine interface, is authenticated by key exactly as before officers existed.
    /// </summary>
    public static bool IsPageRequest(HttpRequest request) =>
        !request.Headers.ContainsKey(ApiKeyAuthenticationHandler.Header) && !KeyOnlyPaths.Any(p => request.Path.StartsWithSegments(p));

    public static void Configure(CookieAuthenticationOptions o, IHostEnvironment environment)
    {
        o.Cookie.Name = CookieName;
        o.Cookie.HttpOnly = true;
        o.Cookie.SameSite = SameSiteMode.Strict;
        // Plain http only where a developer runs it on their own machine (scripts/run.sh).
        o.Cookie.SecurePolicy = environment.IsDevelopment() ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        o.ExpireTimeSpan = IdleTimeout;
        o.SlidingExpiration = true;
        o.LoginPath = "/sign-in";
        o.LogoutPath = "/sign-out";
        o.AccessDeniedPath = "/forbidden";
        o.ReturnUrlParameter = "returnUrl";
        o.Events.OnValidatePrincipal = ValidateAsync;
    }

    /// <summary>
    /// Every request re-reads the account (one primary-key lookup): a disabled account's session ends at once, and a
    /// change of roles or of the agency's country applies to the next request, not at the next sign-in.
    /// </summary>
    private static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var id = principal?.FindFirst(Caller.OfficerIdClaim)?.Value;
        var queries = context.HttpContext.RequestServices.GetRequiredService<OfficerQueries>();
        var live = long.TryParse(id, System.Globalization.CultureInfo.InvariantCulture, out var officerId)
            ? await queries.FindLiveAsync(officerId, context.HttpContext.RequestAborted)
            : null;
        if (live is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieScheme);
            return;
        }
        var caller = new Caller(live.AgencyId, live.AgencyCode, live.CountryCode, 0, ApiKeys.SplitRoles(live.Roles))
        {
            Officer = live.Username,
            OfficerId = officerId,
        };
        context.ReplacePrincipal(caller.ToPrincipal(CookieScheme));
    }
}
