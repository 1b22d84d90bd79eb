using IArms.Core.Firearms;
using IArms.Api.Infrastructure.OpenApi;
using FluentValidation;
using IArms.Api.Agencies;
using IArms.Api.Audit;
using IArms.Api.Infrastructure;

namespace IArms.Api.Search;

/// <summary>
/// A batch of serial searches for one purpose and case, e.g. a cache of seized weapons: up to
/// <see cref="BatchSearchApi.MaxItems"/> items, each with its own <c>ref</c> echoed back.
/// </summary>
public sealed record BatchSearchRequest([property: Vocabulary(typeof(SearchPurposes), nameof(SearchPurposes.All))] string? Purpose, string? CaseReference, [property: System.ComponentModel.DataAnnotations.MaxLength(BatchSearchApi.MaxItems)] IReadOnlyList<BatchSearchItem>? Items) : IRateLimitCost
{
    /// <summary>A batch costs the searches budget one permit per item, as the same searches sent one by one would.</summary>
    int IRateLimitCost.RateLimitCost => Items?.Count ?? 1;
}

/// <summary>One serial of a batch; <c>make</c>, <c>calibre</c> and <c>type</c> narrow and rank as in a single search.</summary>
public sealed record BatchSearchItem(
    [property: System.ComponentModel.DataAnnotations.MaxLength(BatchSearchRequestValidator.MaxRefLength)] string? Ref, string? SerialNumber, string? Make, string? Calibre,
    [property: Vocabulary(typeof(FirearmVocabulary), nameof(FirearmVocabulary.Types))] string? Type);

/// <summary>
/// One item's answer, in the request's order: a search's answer (each item is its own audited search), or, for an
/// invalid item, <c>error</c> with the <c>errors</c> map a single search would have answered.
/// </summary>
public sealed record BatchSearchResult(
    string? Ref, string? SearchId, string? NormalizedSerial, [property: System.ComponentModel.DataAnnotations.MaxLength(SearchService.MaxResults)] IReadOnlyList<SearchResult>? Results, bool? Truncated, HttpValidationProblemDetails? Error);

public sealed record BatchSearchResponse([property: System.ComponentModel.DataAnnotations.MaxLength(BatchSearchApi.MaxItems)] IReadOnlyList<BatchSearchResult> Items);

/// <summary>What is checked for the batch as a whole; each item is checked as a single search (<see cref="SearchRequestValidator"/>).</summary>
public sealed class BatchSearchRequestValidator : AbstractValidator<BatchSearchRequest>
{
    public const int MaxRefLength = 100;

    public BatchSearchRequestValidator()
    {
        RuleFor(x => x.Purpose).NotEmpty().WithMessage($"'purpose' is required: one of {string.Join(", ", SearchPurposes.All)}.")
            .Must(p => SearchPurposes.All.Contains(p!)).WithMessage($"'purpose' must be one of {string.Join(", ", SearchPurposes.All)}.");
        RuleFor(x => x.CaseReference).MaximumLength(100).SafeIdentifier();
        RuleFor(x => x.Items).NotEmpty().WithMessage("'items' must hold at least one serial.")
            .Must(items => items!.Count <= BatchSearchApi.MaxItems).WithMessage($"'items' may hold at most {BatchSearchApi.MaxItems} serials.");
        RuleForEach(x => x.Items).NotNull().ChildRules(item => item.RuleFor(i => i.Ref).MaximumLength(MaxRefLength).SafeIdentifier());
    }
}

public static class BatchSearchApi
{
    public const int MaxItems = 1000;

    /// <summary>Adds <c>POST /searches/batch</c> to the search group.</summary>
    public static RouteGroupBuilder MapBatchSearch(this RouteGroupBuilder group)
    {
        group.MapPost("/batch", SearchBatch).Audited(AuditActions.SearchBatch).RateBudget(RateBudgets.Searches)
            .WithName("SearchSerialBatch")
            .WithSummary("Searches up to 1,000 serials in one request; each item is its own audited search, and an invalid item gets its own errors.");
        return group;
    }

    private static async Task<Ok<BatchSearchResponse>> SearchBatch(
        BatchSearchRequest request, Caller caller, SearchService search, IValidator<SearchRequest> validator, CancellationToken ct)
    {
        var items = request.Items!;
        var searches = new List<SearchRequest>(items.Count);
        var errors = new HttpValidationProblemDetails?[items.Count];
        for (var i = 0; i < items.Count; i++)
        {
            var item = items[i];
            var single = new SearchRequest(item.SerialNumber, item.Make, item.Calibre, item.Type, request.Purpose, request.CaseReference);
            var result = await validator.ValidateAsync(single, ct);
            if (result.IsValid)
            {
                searches.Add(single);
            }
            else
            {
                errors[i] = new HttpValidationProblemDetails(result.ToDictionary())
                {
                    Title = "The item is not valid.",
                    Status = StatusCodes.Status400BadRequest,
                };
            }
        }

        var answers = await search.SearchManyAsync(searches, caller, ct);
        var next = 0;
        var results = items.Select((item, i) =>
        {
            if (errors[i] is { } error)
            {
                return new BatchSearchResult(item.Ref, null, null, null, null, error);
            }
            var answer = answers[next++];
            return new BatchSearchResult(item.Ref, answer.SearchId, answer.NormalizedSerial, answer.Results, answer.Truncated, null);
        }).ToList();
        return TypedResults.Ok(new BatchSearchResponse(results));
    }
}
