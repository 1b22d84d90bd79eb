using System.Collections.Frozen;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace IArms.Api.Infrastructure;

/// <summary>
/// The query parameters each operation declares, read from the same API descriptions the OpenAPI document is built
/// from, so that what the contract lists and what the service accepts cannot drift apart. Keyed by endpoint name
/// (every route has one); built once, on the first request, when every endpoint is known.
/// </summary>
public sealed class DeclaredQueryParameters(IApiDescriptionGroupCollectionProvider descriptions)
{
    private FrozenDictionary<string, FrozenSet<string>>? _byEndpoint;

    /// <summary>The names the endpoint declares (exact, case-sensitive), or null when it is not described.</summary>
    public FrozenSet<string>? For(string endpointName) =>
        (_byEndpoint ??= Build()).GetValueOrDefault(endpointName);

    private FrozenDictionary<string, FrozenSet<string>> Build() =>
        descriptions.ApiDescriptionGroups.Items
            .SelectMany(g => g.Items)
            .Select(d => (Name: d.ActionDescriptor.EndpointMetadata.OfType<IEndpointNameMetadata>().FirstOrDefault()?.EndpointName, Description: d))
            .Where(d => d.Name is not null)
            .GroupBy(d => d.Name!, StringComparer.Ordinal)
            .ToFrozenDictionary(
                g => g.Key,
                g => g.SelectMany(d => d.Description.ParameterDescriptions)
                    .Where(p => p.Source == BindingSource.Query)
                    .Select(p => p.Name)
                    .ToFrozenSet(StringComparer.Ordinal),
                StringComparer.Ordinal);
}

/// <summary>
/// Refuses a query parameter the operation does not declare (<c>?externalId=</c> on a route without it, <c>?foo=</c>,
/// <c>?Status=</c> for <c>status</c>) with a 400 naming each, instead of ignoring it: a misspelt filter would otherwise
/// answer every record as if it had been applied. Set once on the API's root group, so every route has it.
/// </summary>
public sealed class StrictQueryFilter(DeclaredQueryParameters declared) : IEndpointFilter
{
    public ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (http.Request.Query.Count == 0
            || http.GetEndpoint()?.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName is not { } name
            || declared.For(name) is not { } allowed)
        {
            return next(context);
        }
        var unknown = http.Request.Query.Keys.Where(k => !allowed.Contains(k)).Order(StringComparer.Ordinal).ToList();
        if (unknown.Count == 0)
        {
            return next(context);
        }
        var accepted = allowed.Count == 0 ? "This operation takes no query parameters." : $"It accepts: {string.Join(", ", allowed.Order(StringComparer.Ordinal))}.";
        var errors = unknown.ToDictionary(
            k => k.Length == 0 ? "query" : k,
            k => new[] { $"'{k}' is not a query parameter of this operation (names are case-sensitive). {accepted}" },
            StringComparer.Ordinal);
        return ValueTask.FromResult<object?>(TypedResults.ValidationProblem(errors,
            title: "The request is not valid.", detail: $"Unknown query parameter{(unknown.Count > 1 ? "s" : "")}: {string.Join(", ", unknown)}."));
    }
}

public static class StrictQueryExtensions
{
    /// <summary>Refuses undeclared query parameters on every route of the group (see <see cref="StrictQueryFilter"/>).</summary>
    public static RouteGroupBuilder WithStrictQuery(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter<StrictQueryFilter>();
        // Every route can answer it, whether or not its handler validates anything else.
        group.ProducesValidationProblem();
        return group;
    }
}
