using FluentValidation;
using IArms.Api.Infrastructure;
using IArms.Core;
using IArms.Core.Analysis;

namespace IArms.Api.Notices;

public sealed class CreateNoticeRequestValidator : AbstractValidator<CreateNoticeRequest>
{
    /// <summary>Enough for a depot's inventory; a larger lot is a serial run.</summary>
    public const int MaxFirearms = 1000;

    /// <summary>Every assigned country once, at most.</summary>
    public const int MaxCountries = 250;

    public CreateNoticeRequestValidator()
    {
        RuleFor(x => x.Kind).NotEmpty().Must(k => NoticeKinds.All.Contains(k))
            .WithMessage($"'kind' must be one of {string.Join(", ", NoticeKinds.All)}.");
        RuleFor(x => x.Title).NotEmpty().MaximumLength(200).SafeFreeText();
        RuleFor(x => x.Summary).NotEmpty().MaximumLength(4000).SafeFreeText();
        RuleFor(x => x.FirearmIds).Must(ids => ids!.Count <= MaxFirearms).WithMessage($"'firearmIds' names at most {MaxFirearms} records; use a serial run for a larger lot.")
            .Must(ids => ids!.Distinct().Count() == ids!.Count).WithMessage("'firearmIds' must not repeat a record.")
            .When(x => x.FirearmIds is not null);
        RuleForEach(x => x.FirearmIds).GreaterThan(0);
        RuleFor(x => x.Countries).NotEmpty().WithMessage("'countries' must be [\"all\"] or name at least one country.")
            .Must(c => c!.Count <= MaxCountries && c.Distinct(StringComparer.Ordinal).Count() == c!.Count).WithMessage("'countries' must not repeat a country.")
            .Must(c => !c!.Contains(NoticeStatuses.AllCountries) || c!.Count == 1).WithMessage("'countries' is either [\"all\"] alone or a list of countries.");
        RuleForEach(x => x.Countries).Must(c => c == NoticeStatuses.AllCountries || Countries.IsValid(c))
            .WithMessage((_, c) => $"'{c}' is not an ISO 3166-1 alpha-2 country code in upper case (or \"all\").");
        When(x => x.SerialRun is not null, () =>
        {
            RuleFor(x => x.SerialRun!.Make).NotEmpty().MaximumLength(100).SafeIdentifier();
            RuleFor(x => x.SerialRun!.FirstSerial).NotEmpty().MaximumLength(64)
                .Must(s => SerialShape.Of(s) is not null).WithMessage("'serialRun.firstSerial' must contain a number (at most 18 digits).");
            RuleFor(x => x.SerialRun!.LastSerial).NotEmpty().MaximumLength(64)
                .Must((x, last) => SerialShape.Of(x.SerialRun!.FirstSerial) is not { } first || SerialShape.Of(last) is { } l
                    && l.Skeleton == first.Skeleton && l.Number >= first.Number)
                .WithMessage("'serialRun.lastSerial' must match the first serial around its number (the last run of digits) and not be below it.");
        });
    }
}
