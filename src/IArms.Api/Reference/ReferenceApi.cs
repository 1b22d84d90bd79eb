using IArms.Api.Audit;
using IArms.Api.Agencies;
using IArms.Api.Infrastructure;
using IArms.Core.Reference;

namespace IArms.Api.Reference;

/// <summary>The firearms reference table: one name for every make, calibre and type.</summary>
public static class ReferenceApi
{
    private const int DefaultLimit = 20;

    public static RouteGroupBuilder MapReference(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/reference").WithTags("Reference");

        group.MapGet("/makes", ListMakes).RequireAuthorization(Policies.Any).ProducesValidationProblem()
            .Audited(AuditActions.ReferenceRead).WithName("ListMakes").WithSummary("Makes with their aliases; with q, the best matches for q first.");
        group.MapGet("/calibres", ListCalibres).RequireAuthorization(Policies.Any).ProducesValidationProblem()
            .Audited(AuditActions.ReferenceRead).WithName("ListCalibres").WithSummary("Calibres with their aliases; with q, the best matches for q first.");
        group.MapGet("/types", ListTypes).RequireAuthorization(Policies.Any)
            .Audited(AuditActions.ReferenceRead).WithName("ListTypes").WithSummary("The UN/ISACS weapon types a record may have.");
        group.MapPost("/makes", CreateMake).RequireAuthorization(Policies.CentralAdmin).ProducesProblem(409)
            .Audited(AuditActions.ReferenceChange).WithName("CreateMake").WithSummary("Adds a make; refused when a spelling already means another make.");
        group.MapPost("/makes/{id:long}/aliases", AddMakeAlias).RequireAuthorization(Policies.CentralAdmin)
            .ProducesProblem(404).ProducesProblem(409)
            .Audited(AuditActions.ReferenceChange).WithName("AddMakeAlias").WithSummary("Adds a spelling of a make; records are re-resolved.");
        group.MapPost("/calibres", CreateCalibre).RequireAuthorization(Policies.CentralAdmin).ProducesProblem(409)
            .Audited(AuditActions.ReferenceChange).WithName("CreateCalibre").WithSummary("Adds a calibre; refused when a spelling already means another calibre.");
        group.MapPost("/calibres/{id:long}/aliases", AddCalibreAlias).RequireAuthorization(Policies.CentralAdmin)
            .ProducesProblem(404).ProducesProblem(409)
            .Audited(AuditActions.ReferenceChange).WithName("AddCalibreAlias").WithSummary("Adds a spelling of a calibre; records are re-resolved.");
        return group;
    }

    /// <summary>Registers the reference feature: the in-memory table (which canonicalises records), its changes and its refresh.</summary>
    public static IServiceCollection AddReference(this IServiceCollection services)
    {
        services.AddSingleton<ReferenceCatalog>();
        services.AddSingleton<Firearms.IFirearmCanonicalizer>(sp => sp.GetRequiredService<ReferenceCatalog>());
        services.AddSingleton<ReferenceService>();
        services.AddSingleton<ReferenceSeeder>();
        services.AddHostedService<ReferenceRefresh>();
        return services;
    }

    private static Results<Ok<ReferenceEntryPage>, ProblemHttpResult> ListMakes(ReferenceCatalog catalog, string? q = null, int? limit = null) =>
        List(catalog.Makes, q, limit);

    private static Results<Ok<ReferenceEntryPage>, ProblemHttpResult> ListCalibres(ReferenceCatalog catalog, string? q = null, int? limit = null) =>
        List(catalog.Calibres, q, limit);

    private static Results<Ok<ReferenceEntryPage>, ProblemHttpResult> List(ReferenceResolver resolver, string? q, int? limit)
    {
        if (limit is < 1 or > 500)
        {
            return Problems.BadRequest("limit", "'limit' must be between 1 and 500.");
        }
        if (string.IsNullOrWhiteSpace(q))
        {
            var all = resolver.Entries.Take(limit ?? resolver.Entries.Count)
                .Select(e => new ReferenceEntryResponse(e.Id, e.CanonicalName, e.CountryCode, e.Aliases, null)).ToList();
            return TypedResults.Ok(new ReferenceEntryPage(all, null));
        }
        var matches = resolver.Suggest(q, limit ?? DefaultLimit)
            .Select(m => new ReferenceEntryResponse(m.Entry.Id, m.Entry.CanonicalName, m.Entry.CountryCode, m.Entry.Aliases, Math.Round(m.Score, 3)))
            .ToList();
        return TypedResults.Ok(new ReferenceEntryPage(matches, null));
    }

    private static Ok<FirearmTypePage> ListTypes() =>
        TypedResults.Ok(new FirearmTypePage([.. FirearmTypes.All.Select(t => new FirearmTypeResponse(t.Code, t.DisplayName, t.Description))], null));

    private static Task<Results<Created<ReferenceChangeResponse>, ProblemHttpResult>> CreateMake(CreateMakeRequest request, ReferenceService service, CancellationToken ct) =>
        Create(() => service.AddEntryAsync(ReferenceKind.Make, request.CanonicalName!, request.CountryCode, request.Aliases ?? [], ct), "makes");

    private static Task<Results<Created<ReferenceChangeResponse>, ProblemHttpResult>> CreateCalibre(CreateCalibreRequest request, ReferenceService service, CancellationToken ct) =>
        Create(() => service.AddEntryAsync(ReferenceKind.Calibre, request.CanonicalName!, null, request.Aliases ?? [], ct), "calibres");

    private static Task<Results<Created<ReferenceChangeResponse>, ProblemHttpResult>> AddMakeAlias(long id, CreateAliasRequest request, ReferenceService service, CancellationToken ct) =>
        Create(() => service.AddAliasAsync(ReferenceKind.Make, id, request.Alias!, ct), "makes", id);

    private static Task<Results<Created<ReferenceChangeResponse>, ProblemHttpResult>> AddCalibreAlias(long id, CreateAliasRequest request, ReferenceService service, CancellationToken ct) =>
        Create(() => service.AddAliasAsync(ReferenceKind.Calibre, id, request.Alias!, ct), "calibres", id);

    private static async Task<Results<Created<ReferenceChangeResponse>, ProblemHttpResult>> Create(
        Func<Task<ReferenceChangeResponse?>> change, string collection, long? id = null)
    {
        try
        {
            var result = await change();
            if (result is null)
            {
                return Problems.NotFound($"There is no {collection[..^1]} {id}.");
            }
            return TypedResults.Created($"/api/v1/reference/{collection}?q={Uri.EscapeDataString(result.Entry.CanonicalName)}", result);
        }
        catch (ReferenceService.ReferenceConflictException e)
        {
            return Problems.Conflict(e.Message);
        }
        catch (ArgumentException e)
        {
            return Problems.BadRequest(id is null ? "canonicalName" : "alias", e.Message);
        }
    }
}
