using IArms.Api.Agencies;
using IArms.Api.Audit;
using IArms.Api.Infrastructure;

namespace IArms.Api.Search;

/// <summary>Serial number search.</summary>
public static class SearchApi
{
    public static RouteGroupBuilder MapSearch(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/searches").WithTags("Search").RequireAuthorization(Roles.Search);
        group.MapPost("/", Search).Audited(AuditActions.Search, writtenByHandler: true).RateBudget(RateBudgets.Searches)
            .WithName("SearchSerial")
            .WithSummary("Searches a serial number (? = one unreadable character, * = a run); audited, and alerts the owners of wanted records found.");
        group.MapBatchSearch();
        return group;
    }

    /// <summary>Registers the search feature: the serial index, the in-memory trigram counts and the search itself.</summary>
    public static IServiceCollection AddSearch(this IServiceCollection services)
    {
        services.AddSingleton<SerialSearch>();
        services.AddSingleton<TrigramStatistics>();
        services.AddHostedService(sp => sp.GetRequiredService<TrigramStatistics>());
        services.AddSingleton<SearchService>();
        return services;
    }

    private static async Task<Ok<SearchResponse>> Search(SearchRequest request, Caller caller, SearchService search, CancellationToken ct) =>
        TypedResults.Ok(await search.SearchAsync(request, caller, ct));
}
