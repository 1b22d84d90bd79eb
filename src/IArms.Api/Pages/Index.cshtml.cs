using Microsoft.AspNetCore.Mvc;
using FluentValidation;
using IArms.Api.Agencies;
using IArms.Api.Audit;
using IArms.Api.Search;
using IArms.Core.Serials;

namespace IArms.Api.Pages;

/// <summary>
/// The serial search: the API's request, validated by the API's validator and answered by the API's search service
/// (which audits it under the officer's name and alerts the owners of wanted records), with each match explained.
/// </summary>
public sealed class IndexModel(SearchService search, IValidator<SearchRequest> validator, AuditLog audit, TimeProvider clock)
    : OfficerPageModel(audit, clock)
{
    [BindProperty]
    public SearchForm Form { get; set; } = new();

    public SearchResponse? Answer { get; private set; }

    public IDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!Caller.Has(Roles.Search))
        {
            return await DeniedAsync(AuditActions.Search, "searches");
        }
        var request = Form.ToRequest();
        var result = await validator.ValidateAsync(request, ct);
        if (!result.IsValid)
        {
            Errors = result.ToDictionary();
            Response.StatusCode = StatusCodes.Status400BadRequest;
            await AuditAsync(AuditActions.Search, "searches", StatusCodes.Status400BadRequest);
            return Page();
        }
        Answer = await search.SearchAsync(request, Caller, ct);
        return Page();
    }

    /// <summary>How one result's recorded serial differs from the one typed, for the page to highlight and say.</summary>
    public SerialExplanation Explain(SearchResult result) => SerialDifference.Explain(
        Form.SerialNumber ?? "", result.MatchedSerial,
        Enum.TryParse<SerialMatchKind>(result.Match, ignoreCase: true, out var kind) ? kind : SerialMatchKind.Fuzzy);

    public string? ErrorOf(string field) => Errors.TryGetValue(field, out var messages) ? messages[0] : null;

    /// <summary>The search form's fields, named as the API's request.</summary>
    public sealed class SearchForm
    {
        public string? SerialNumber { get; set; }
        public string? Make { get; set; }
        public string? Calibre { get; set; }
        public string? Type { get; set; }
        public string? Purpose { get; set; } = "seizure";
        public string? CaseReference { get; set; }

        public SearchRequest ToRequest() => new(SerialNumber, Blank(Make), Blank(Calibre), Blank(Type), Purpose, Blank(CaseReference));

        private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
    }
}
