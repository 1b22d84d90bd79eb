using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using IArms.Api.Audit;
using IArms.Api.Data;
using IArms.Api.Infrastructure;

namespace IArms.Api.Agencies;

/// <summary>
/// Agencies and their API keys, plus the directory every agency reads. The central administrator (an <c>admin</c> key
/// of HQ) registers agencies and manages every agency's keys; an agency's <c>admin</c> manages only its own agency's
/// keys, and is answered 403 for another agency's, whether or not that agency or key exists (the agencies themselves
/// are listed to everyone, so naming one reveals nothing more).
/// </summary>
public static class AgencyApi
{
    public static RouteGroupBuilder MapAgencies(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/agencies").WithTags("Agencies");

        group.MapGet("/", ListAgencies).RequireAuthorization(Policies.Any).ProducesValidationProblem().Audited(AuditActions.AgencyList)
            .WithName("ListAgencies").WithSummary("Lists the agencies (to address trace requests), in code order, one page at a time.");
        group.MapPost("/", CreateAgency).RequireAuthorization(Policies.CentralAdmin).Audited(AuditActions.AgencyCreate)
            .WithName("CreateAgency").WithSummary("Registers an agency.");
        group.MapGet("/{code}/api-keys", ListKeys).RequireAuthorization(Roles.Admin).ProducesProblem(403).Audited(AuditActions.ApiKeyList)
            .WithName("ListApiKeys").WithSummary("Lists an agency's keys (never their secrets), oldest first, one page at a time.");
        group.MapPost("/{code}/api-keys", CreateKey).RequireAuthorization(Roles.Admin).ProducesProblem(403).Audited(AuditActions.ApiKeyCreate)
            .WithName("CreateApiKey").WithSummary("Issues an API key; the key is shown once, stored hashed.");
        group.MapDelete("/{code}/api-keys/{id:long}", RevokeKey).RequireAuthorization(Roles.Admin).ProducesProblem(403).ProducesProblem(409).Audited(AuditActions.ApiKeyRevoke)
            .WithName("RevokeApiKey").WithSummary("Revokes a key; it stops working at once.");
        return group;
    }

    /// <summary>Registers the agencies feature: its queries, API-key authentication and the role policies.</summary>
    public static IServiceCollection AddAgencies(this IServiceCollection services)
    {
        services.AddSingleton(sp => LiveKeyCache.FromSettings(sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<Db>(), sp.GetRequiredService<TimeProvider>()));
        services.AddSingleton<AgencyQueries>();
        services.AddOptions<AuthenticationLimitOptions>().BindConfiguration(AuthenticationLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<FailedAuthenticationLimiter>();
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .AddPolicy(Policies.Any, p => p.RequireAuthenticatedUser())
            .AddPolicy(Roles.Search, p => p.RequireRole(Roles.Search))
            .AddPolicy(Roles.Record, p => p.RequireRole(Roles.Record))
            .AddPolicy(Roles.Trace, p => p.RequireRole(Roles.Trace))
            .AddPolicy(Roles.Audit, p => p.RequireRole(Roles.Audit))
            .AddPolicy(Roles.Admin, p => p.RequireRole(Roles.Admin))
            .AddPolicy(Policies.RecordOrTrace, p => p.RequireRole(Roles.Record, Roles.Trace))
            .AddPolicy(Policies.AuditOrAdmin, p => p.RequireRole(Roles.Audit, Roles.Admin))
            .AddPolicy(Policies.CentralAdmin, p => p.RequireRole(Roles.Admin).RequireClaim(Caller.AgencyCodeClaim, Caller.CentralAgencyCode))
            .AddPolicy(Policies.CentralAudit, p => p.RequireRole(Roles.Audit, Roles.Admin).RequireClaim(Caller.AgencyCodeClaim, Caller.CentralAgencyCode))
            .AddPolicy(Policies.AnalysisOrAdmin, p => p.RequireRole(Roles.Analysis, Roles.Admin));
        return services;
    }

    private static async Task<Results<Ok<AgencyPage>, ProblemHttpResult>> ListAgencies(
        AgencyQueries queries, [AsParameters] PageRequest page, CancellationToken ct)
    {
        // Keyset on the code, the directory's order: the cursor carries the last code of the page.
        if (page.TryRead("", out var take, out var afterCode) is { } badPage)
        {
            return badPage;
        }
        return TypedResults.Ok(await queries.ListAsync(afterCode, take, ct));
    }

    private static async Task<Results<Created<AgencyResponse>, ProblemHttpResult>> CreateAgency(
        CreateAgencyRequest request, AgencyQueries queries, CancellationToken ct)
    {
        var created = await queries.CreateAsync(request.Code!, request.Name!.Trim(), request.CountryCode!, ct);
        if (created is null)
        {
            return Problems.Conflict($"An agency with code '{request.Code}' already exists.");
        }
        return TypedResults.Created($"/api/v1/agencies/{created.Code}", created);
    }

    private static async Task<Results<Ok<ApiKeyPage>, ProblemHttpResult>> ListKeys(
        string code, Caller caller, AgencyQueries queries, [AsParameters] PageRequest page, CancellationToken ct)
    {
        if (page.TryRead(0, out var take, out var afterId) is { } badPage)
        {
            return badPage;
        }
        if (!caller.Manages(code))
        {
            return OtherAgency(code);
        }
        if (await queries.FindIdAsync(code, ct) is null)
        {
            return Problems.NotFound($"No agency has code '{code}'.");
        }
        return TypedResults.Ok(await queries.ListKeysAsync(code, afterId, take, ct));
    }

    private static async Task<Results<Created<ApiKeyCreatedResponse>, ProblemHttpResult>> CreateKey(
        string code, CreateApiKeyRequest request, Caller caller, AgencyQueries queries, CancellationToken ct)
    {
        if (!caller.Manages(code))
        {
            return OtherAgency(code);
        }
        // Only the central administrator issues admin keys, its agency's own included. An agency admin able to mint
        // admin keys could, once its key leaked, mint a spare and survive the revocation of the leaked one; and HQ
        // keeps knowing who holds admin power in every agency. Rotating an agency's admin key is a rare call to HQ.
        if (!caller.MayGrant(request.Roles!))
        {
            return TypedResults.Problem("Only the central administrator (HQ) issues admin keys; your agency's admin key issues the other roles.",
                statusCode: 403, title: "Forbidden.");
        }
        var agencyId = await queries.FindIdAsync(code, ct);
        if (agencyId is null)
        {
            return Problems.NotFound($"No agency has code '{code}'.");
        }
        var key = await queries.CreateKeyAsync(agencyId.Value, request.Roles!, request.Label!.Trim(), ct);
        return TypedResults.Created($"/api/v1/agencies/{code}/api-keys/{key.Id}", key);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(
        string code, long id, Caller caller, AgencyQueries queries, CancellationToken ct) =>
        !caller.Manages(code) ? OtherAgency(code) : await queries.RevokeAsync(code, id, ct) switch
        {
            AgencyQueries.RevokeOutcome.NotFound => Problems.NotFound($"Agency '{code}' has no key {id}."),
            AgencyQueries.RevokeOutcome.LastCentralAdmin => Problems.Conflict(
                $"Key {id} is the last active admin key of the central agency {Caller.CentralAgencyCode}; issue another admin key before revoking it, or nobody could administer IArms again."),
            // Revoking twice is harmless: the key is revoked either way.
            _ => TypedResults.NoContent(),
        };

    private static ProblemHttpResult OtherAgency(string code) => TypedResults.Problem(
        $"Your agency's admin key manages your agency's keys only, not those of '{code}'; the central administrator manages every agency's.",
        statusCode: 403, title: "Forbidden.");
}
