using FluentValidation;
using IArms.Api.Infrastructure;
using IArms.Core.Firearms;
using IArms.Core.Serials;

namespace IArms.Api.Search;

public sealed class SearchRequestValidator : AbstractValidator<SearchRequest>
{
    public SearchRequestValidator()
    {
        RuleFor(x => x.SerialNumber).NotEmpty().MaximumLength(100).SafeIdentifier()
            .Custom((serial, context) =>
            {
                if (!SearchQuery.TryCreate(serial, out var query, out var error))
                {
                    context.AddFailure(error ?? "'serialNumber' is not a searchable serial number.");
                }
                else if (query!.HasWildcards && SerialKeys.ForPattern(query.Pattern).Count == 0
                    && SerialSearch.KnownPrefix(query.Canonical).Length == 0 && SerialSearch.KnownSuffix(query.Canonical).Length == 0)
                {
                    context.AddFailure("'serialNumber' is too vague to search: give three readable characters in a row, or the first or last character.");
                }
            });
        RuleFor(x => x.Purpose).NotEmpty().WithMessage($"'purpose' is required: one of {string.Join(", ", SearchPurposes.All)}.")
            .Must(p => SearchPurposes.All.Contains(p!)).WithMessage($"'purpose' must be one of {string.Join(", ", SearchPurposes.All)}.");
        RuleFor(x => x.Type).Must(FirearmVocabulary.IsType).When(x => x.Type is not null)
            .WithMessage($"'type' must be one of {string.Join(", ", FirearmVocabulary.Types)}.");
        RuleFor(x => x.Make).MaximumLength(100).SafeIdentifier();
        RuleFor(x => x.Calibre).MaximumLength(50).SafeIdentifier();
        RuleFor(x => x.CaseReference).MaximumLength(100).SafeIdentifier();
    }
}
