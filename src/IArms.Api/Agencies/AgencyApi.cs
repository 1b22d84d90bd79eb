using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using IArms.Api.Infrastructure;

namespace IArms.Api.Agencies;

/// <summary>Agencies and their API keys: the central administrator's routes, plus the directory every agency reads.</summary>
public static class AgencyApi
{
    public static RouteGroupBuilder MapAgencies(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/agencies").WithTags("Agencies");

        group.MapGet("/", ListAgencies).RequireAuthorization(Policies.Any)
            .WithName("ListAgencies").WithSummary("Lists the agencies (to address trace requests).");
        group.MapPost("/", CreateAgency).RequireAuthorization(Roles.Admin).Validate<CreateAgencyRequest>()
            .WithName("CreateAgency").WithSummary("Registers an agency.");
        group.MapGet("/{code}/api-keys", ListKeys).RequireAuthorization(Roles.Admin)
            .WithName("ListApiKeys").WithSummary("Lists an agency's keys (never their secrets).");
        group.MapPost("/{code}/api-keys", CreateKey).RequireAuthorization(Roles.Admin).Validate<CreateApiKeyRequest>()
            .WithName("CreateApiKey").WithSummary("Issues an API key; the key is shown once, stored hashed.");
        group.MapDelete("/{code}/api-keys/{id:long}", RevokeKey).RequireAuthorization(Roles.Admin)
            .WithName("RevokeApiKey").WithSummary("Revokes a key; it stops working at once.");
        return group;
    }

    /// <summary>Registers the agencies feature: its queries, API-key authentication and the role policies.</summary>
    public static IServiceCollection AddAgencies(this IServiceCollection services)
    {
        services.AddSingleton<AgencyQueries>();
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
            .AddPolicy(Policies.AnalysisOrAdmin, p => p.RequireRole(Roles.Analysis, Roles.Admin));
        return services;
    }

    private static async Task<Ok<IReadOnlyList<AgencyResponse>>> ListAgencies(AgencyQueries queries, CancellationToken ct) =>
        TypedResults.Ok(await queries.ListAsync(ct));

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

    private static async Task<Results<Ok<IReadOnlyList<ApiKeyResponse>>, ProblemHttpResult>> ListKeys(
        string code, AgencyQueries queries, CancellationToken ct)
    {
        if (await queries.FindIdAsync(code, ct) is null)
        {
            return Problems.NotFound($"No agency has code '{code}'.");
        }
        return TypedResults.Ok(await queries.ListKeysAsync(code, ct));
    }

    private static async Task<Results<Created<ApiKeyCreatedResponse>, ProblemHttpResult>> CreateKey(
        string code, CreateApiKeyRequest request, AgencyQueries queries, CancellationToken ct)
    {
        var agencyId = await queries.FindIdAsync(code, ct);
        if (agencyId is null)
        {
            return Problems.NotFound($"No agency has code '{code}'.");
        }
        var key = await queries.CreateKeyAsync(agencyId.Value, request.Roles!, request.Label!.Trim(), ct);
        return TypedResults.Created($"/api/v1/agencies/{code}/api-keys/{key.Id}", key);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> RevokeKey(
        string code, long id, AgencyQueries queries, CancellationToken ct) =>
        await queries.RevokeAsync(code, id, ct) switch
        {
            AgencyQueries.RevokeOutcome.NotFound => Problems.NotFound($"Agency '{code}' has no key {id}."),
            // Revoking twice is harmless: the key is revoked either way.
            _ => TypedResults.NoContent(),
        };
}
