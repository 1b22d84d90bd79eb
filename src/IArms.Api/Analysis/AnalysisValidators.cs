using System.Globalization;
using FluentValidation;
using IArms.Core;
using IArms.Core.Firearms;
using IArms.Core.Tracing;

namespace IArms.Api.Analysis;

/// <summary>The words and limits of the analysis query strings, shared by the validators and the handlers.</summary>
public static class AnalysisVocabulary
{
    public static readonly IReadOnlyList<string> Groupings = ["country", "party", "reason", "partyKind"];
    public static readonly IReadOnlyList<string> Roles = ["last-lawful-holder", "buyer", "seller", "exporter", "importer"];
    public static readonly IReadOnlyList<string> Metrics = ["thefts", "losses", "seizures", "traces"];
    public static readonly IReadOnlyList<string> Periods = ["month", "quarter", "year"];

    public const int MinDepth = 1;
    public const int MaxDepth = 4;
    public const int DefaultDepth = 2;
    public const int MaxGap = 100_000;
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    /// <summary>A date of the query string; null when absent or not an ISO 8601 date (the validators refuse those first).</summary>
    public static DateOnly? Date(string? value) =>
        DateOnly.TryParseExact(value, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? date : null;
}

/// <summary>Dates, make and type, as every analysis with them reads them.</summary>
public sealed class AnalysisFiltersValidator : AbstractValidator<IAnalysisFilters>
{
    public AnalysisFiltersValidator()
    {
        RuleFor(x => x.Since).Must(BeDate).When(x => x.Since is not null)
            .WithMessage("'since' must be a date like 2024-01-31.");
        RuleFor(x => x.Until).Must(BeDate).When(x => x.Until is not null)
            .WithMessage("'until' must be a date like 2024-01-31.");
        RuleFor(x => x.Until)
            .Must((x, until) => AnalysisVocabulary.Date(until) >= AnalysisVocabulary.Date(x.Since))
            .When(x => AnalysisVocabulary.Date(x.Since) is not null && AnalysisVocabulary.Date(x.Until) is not null)
            .WithMessage("'until' must not be before 'since'.");
        RuleFor(x => x.Make).MaximumLength(100);
        RuleFor(x => x.Type).Must(t => FirearmVocabulary.Types.Contains(t)).When(x => x.Type is not null)
            .WithMessage($"'type' must be one of {string.Join(", ", FirearmVocabulary.Types)}.");
    }

    private static bool BeDate(string? value) => AnalysisVocabulary.Date(value) is not null;
}

/// <summary>The country and reason filters of routes and diversion sources.</summary>
public sealed class RouteFiltersValidator : AbstractValidator<IRouteFilters>
{
    public RouteFiltersValidator()
    {
        Include(new AnalysisFiltersValidator());
        RuleFor(x => x.FromCountry).Must(Countries.IsValid).When(x => x.FromCountry is not null)
            .WithMessage("'fromCountry' must be an ISO 3166-1 alpha-2 code in upper case, like 'FR'.");
        RuleFor(x => x.ToCountry).Must(Countries.IsValid).When(x => x.ToCountry is not null)
            .WithMessage("'toCountry' must be an ISO 3166-1 alpha-2 code in upper case, like 'FR'.");
        RuleFor(x => x.Reason).Must(r => CustodyVocabulary.TryParseDiversionReason(r, out _)).When(x => x.Reason is not null)
            .WithMessage($"'reason' must be one of {string.Join(", ", CustodyVocabulary.DiversionReasons)}.");
    }
}

public sealed class RoutesQueryValidator : AbstractValidator<RoutesQuery>
{
    public RoutesQueryValidator() => Include(new RouteFiltersValidator());
}

public sealed class DiversionSourcesQueryValidator : AbstractValidator<DiversionSourcesQuery>
{
    public DiversionSourcesQueryValidator()
    {
        Include(new RouteFiltersValidator());
        RuleFor(x => x.GroupBy).Must(g => AnalysisVocabulary.Groupings.Contains(g)).When(x => x.GroupBy is not null)
            .WithMessage($"'groupBy' must be one of {string.Join(", ", AnalysisVocabulary.Groupings)}.");
        RuleFor(x => x.Limit).InclusiveBetween(1, AnalysisVocabulary.MaxLimit)
            .WithMessage($"'limit' must be between 1 and {AnalysisVocabulary.MaxLimit}.");
    }
}

public sealed class PartiesQueryValidator : AbstractValidator<PartiesQuery>
{
    public PartiesQueryValidator()
    {
        RuleFor(x => x.MinFirearms).InclusiveBetween(1, 1_000_000).WithMessage("'minFirearms' must be at least 1.");
        RuleFor(x => x.Role).Must(r => AnalysisVocabulary.Roles.Contains(r)).When(x => x.Role is not null)
            .WithMessage($"'role' must be one of {string.Join(", ", AnalysisVocabulary.Roles)}.");
        RuleFor(x => x.Make).MaximumLength(100);
        RuleFor(x => x.Type).Must(t => FirearmVocabulary.Types.Contains(t)).When(x => x.Type is not null)
            .WithMessage($"'type' must be one of {string.Join(", ", FirearmVocabulary.Types)}.");
        RuleFor(x => x.Limit).InclusiveBetween(1, AnalysisVocabulary.MaxLimit)
            .WithMessage($"'limit' must be between 1 and {AnalysisVocabulary.MaxLimit}.");
    }
}

public sealed class NetworkQueryValidator : AbstractValidator<NetworkQuery>
{
    public NetworkQueryValidator() =>
        RuleFor(x => x.Depth).InclusiveBetween(AnalysisVocabulary.MinDepth, AnalysisVocabulary.MaxDepth)
            .WithMessage($"'depth' must be between {AnalysisVocabulary.MinDepth} and {AnalysisVocabulary.MaxDepth}.");
}

public sealed class GraphMLQueryValidator : AbstractValidator<GraphMLQuery>
{
    public GraphMLQueryValidator()
    {
        RuleFor(x => x.Party).NotEmpty().WithMessage("'party' must name a party id (GET /api/v1/analysis/parties lists them).")
            .MaximumLength(40);
        RuleFor(x => x.Depth).InclusiveBetween(AnalysisVocabulary.MinDepth, AnalysisVocabulary.MaxDepth)
            .WithMessage($"'depth' must be between {AnalysisVocabulary.MinDepth} and {AnalysisVocabulary.MaxDepth}.");
    }
}

public sealed class SerialRunsQueryValidator : AbstractValidator<SerialRunsQuery>
{
    public SerialRunsQueryValidator()
    {
        Include(new AnalysisFiltersValidator());
        RuleFor(x => x.MaxGap).InclusiveBetween(0, AnalysisVocabulary.MaxGap)
            .WithMessage($"'maxGap' must be between 0 and {AnalysisVocabulary.MaxGap}.");
        RuleFor(x => x.Limit).InclusiveBetween(1, Infrastructure.Cursor.MaxLimit)
            .WithMessage($"'limit' must be between 1 and {Infrastructure.Cursor.MaxLimit}.");
        RuleFor(x => x.Cursor).Must(c => Infrastructure.Cursor.DecodeId(c) is not null).When(x => x.Cursor is not null)
            .WithMessage("'cursor' is not a cursor this service issued; start again without it.");
    }
}

public sealed class TrendsQueryValidator : AbstractValidator<TrendsQuery>
{
    public TrendsQueryValidator()
    {
        Include(new AnalysisFiltersValidator());
        RuleFor(x => x.Metric).NotEmpty().WithMessage($"'metric' is required: one of {string.Join(", ", AnalysisVocabulary.Metrics)}.")
            .Must(m => AnalysisVocabulary.Metrics.Contains(m))
            .WithMessage($"'metric' must be one of {string.Join(", ", AnalysisVocabulary.Metrics)}.");
        RuleFor(x => x.By).Must(b => AnalysisVocabulary.Periods.Contains(b)).When(x => x.By is not null)
            .WithMessage($"'by' must be one of {string.Join(", ", AnalysisVocabulary.Periods)}.");
    }
}
