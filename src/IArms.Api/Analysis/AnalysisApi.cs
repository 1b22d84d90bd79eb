using IArms.Api.Agencies;
using IArms.Api.Audit;
using IArms.Api.Infrastructure;

namespace IArms.Api.Analysis;

/// <summary>
/// Analysis across chains (issue 13): trafficking routes, diversion sources, the parties and networks behind
/// them, serial runs and trends. Every number is computed only from the records (and their chains) the
/// caller's agency may see, read from the derived tables <see cref="AnalysisIndex"/> keeps up to date.
/// </summary>
/// <remarks>
/// Role <c>analysis</c>, or <c>admin</c>; the visibility rule holds for both. The GraphML export is drawn
/// around one party (<c>?party=</c>, required), as the network route: a graph of "the top parties" would
/// merge unrelated networks, and an analyst's tool can load several exports.
/// </remarks>
public static class AnalysisApi
{
    public static RouteGroupBuilder MapAnalysis(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/analysis").WithTags("Analysis").RequireAuthorization(Policies.AnalysisOrAdmin);
        group.MapGet("/routes", Routes).Audited(AuditActions.AnalysisRoutes)
            .WithName("GetTraffickingRoutes").WithSummary("Country-to-country legs of the visible chains, most firearms first.");
        group.MapGet("/diversion-sources", DiversionSources).Audited(AuditActions.AnalysisDiversionSources)
            .WithName("GetDiversionSources").WithSummary("Where visible firearms left lawful hands, grouped by country, party, reason or party kind.");
        group.MapGet("/parties", Parties).Audited(AuditActions.AnalysisParties)
            .WithName("GetAnalysisParties").WithSummary("Parties resolved across chains that appear in several diverted, seized or recovered firearms.");
        group.MapGet("/parties/{id}/network", Network).Audited(AuditActions.AnalysisNetwork).ProducesProblem(404)
            .WithName("GetPartyNetwork").WithSummary("The firearm–party graph around one party, up to depth hops.");
        group.MapGet("/network.graphml", GraphML).Audited(AuditActions.AnalysisGraphML).ProducesProblem(404)
            .Produces<string>(StatusCodes.Status200OK, GraphMLContentType)
            .WithName("ExportPartyNetworkGraphML").WithSummary("The network of GET /parties/{id}/network as GraphML, for Gephi, yEd or i2.");
        group.MapGet("/serial-runs", SerialRuns).Audited(AuditActions.AnalysisSerialRuns)
            .WithName("GetSerialRuns").WithSummary("Probable diverted lots: same make, serials within maxGap, recorded by several cases or places.");
        group.MapGet("/trends", Trends).Audited(AuditActions.AnalysisTrends)
            .WithName("GetAnalysisTrends").WithSummary("Thefts, losses, seizures or trace requests per month, quarter or year.");
        return group;
    }

    public const string GraphMLContentType = "application/graphml+xml";

    /// <summary>Registers the analysis reads.</summary>
    public static IServiceCollection AddAnalysis(this IServiceCollection services)
    {
        services.AddSingleton<AnalysisQueries>();
        services.AddSingleton<AnalysisService>();
        return services;
    }

    private static async Task<Ok<RoutesResponse>> Routes([AsParameters] RoutesQuery query, Caller caller, AnalysisService analysis, CancellationToken ct) =>
        TypedResults.Ok(await analysis.RoutesAsync(query, caller, ct));

    private static async Task<Ok<DiversionSourcesResponse>> DiversionSources(
        [AsParameters] DiversionSourcesQuery query, Caller caller, AnalysisService analysis, CancellationToken ct) =>
        TypedResults.Ok(await analysis.DiversionSourcesAsync(query, caller, ct));

    private static async Task<Ok<PartiesResponse>> Parties([AsParameters] PartiesQuery query, Caller caller, AnalysisService analysis, CancellationToken ct) =>
        TypedResults.Ok(await analysis.PartiesAsync(query, caller, ct));

    private static async Task<Results<Ok<NetworkResponse>, ProblemHttpResult>> Network(
        string id, [AsParameters] NetworkQuery query, Caller caller, AnalysisService analysis, CancellationToken ct) =>
        await analysis.NetworkAsync(id, query.Depth ?? AnalysisVocabulary.DefaultDepth, caller, ct) is { } network
            ? TypedResults.Ok(network)
            : PartyNotFound(id);

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GraphML(
        [AsParameters] GraphMLQuery query, Caller caller, AnalysisService analysis, CancellationToken ct) =>
        await analysis.GraphMLAsync(query.Party!, query.Depth ?? AnalysisVocabulary.DefaultDepth, caller, ct) is { } document
            ? TypedResults.File(document, GraphMLContentType, "network.graphml")
            : PartyNotFound(query.Party!);

    private static async Task<Ok<SerialRunsResponse>> SerialRuns([AsParameters] SerialRunsQuery query, Caller caller, AnalysisService analysis, CancellationToken ct) =>
        TypedResults.Ok(await analysis.SerialRunsAsync(query, caller, ct));

    private static async Task<Ok<TrendsResponse>> Trends([AsParameters] TrendsQuery query, Caller caller, AnalysisService analysis, CancellationToken ct) =>
        TypedResults.Ok(await analysis.TrendsAsync(query, caller, ct));

    private static ProblemHttpResult PartyNotFound(string id) =>
        Problems.NotFound($"No party '{id}' appears in the chains your agency may see.");
}
