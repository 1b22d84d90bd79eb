using FluentValidation;
using IArms.Api.Infrastructure;
using IArms.Core;
using IArms.Core.Firearms;
using IArms.Core.Serials;

namespace IArms.Api.Firearms;

public sealed class FirearmRequestValidator : AbstractValidator<FirearmRequest>
{
    public const int MaxOtherSerials = 10;
    public const int MaxVisibilityCountries = 250;
    public const int MaxExternalIdLength = 100;

    public FirearmRequestValidator(TimeProvider clock)
    {
        DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        string Listing(IEnumerable<string> words) => string.Join(", ", words);

        RuleFor(x => x.ExternalId).NotEmpty().MaximumLength(MaxExternalIdLength).SafeIdentifier();
        RuleFor(x => x.SerialNumber).NotEmpty().MaximumLength(64).SafeIdentifier()
            .Must(s => SerialNormalizer.Normalize(s).Length > 0)
            .WithMessage("'serialNumber' must contain at least one letter or digit.");
        RuleFor(x => x.OtherSerials).Must(o => o is null || o.Count <= MaxOtherSerials)
            .WithMessage($"At most {MaxOtherSerials} other serials.");
        RuleForEach(x => x.OtherSerials).NotNull().WithMessage("An other serial must be an object, not null.");
        RuleForEach(x => x.OtherSerials).ChildRules(other =>
        {
            other.RuleFor(o => o.Location).NotEmpty().Must(FirearmVocabulary.IsSerialLocation)
                .WithMessage($"'location' must be one of {Listing(FirearmVocabulary.SerialLocations)}.");
            other.RuleFor(o => o.Value).NotEmpty().MaximumLength(64).SafeIdentifier()
                .Must(s => SerialNormalizer.Normalize(s).Length > 0)
                .WithMessage("'value' must contain at least one letter or digit.");
        });
        RuleFor(x => x.Make).NotEmpty().MaximumLength(100).SafeIdentifier();
        RuleFor(x => x.Model).MaximumLength(100).SafeIdentifier();
        RuleFor(x => x.Calibre).MaximumLength(50).SafeIdentifier();
        RuleFor(x => x.Type).NotEmpty().Must(FirearmVocabulary.IsType)
            .WithMessage($"'type' must be one of {Listing(FirearmVocabulary.Types)}.");
        RuleFor(x => x.CountryOfManufacture).Must(c => c is null || Countries.IsValid(c))
            .WithMessage("'countryOfManufacture' must be an ISO 3166-1 alpha-2 code in upper case, like 'AT'.");
        RuleFor(x => x.YearOfManufacture).InclusiveBetween(1800, 9999)
            .Must((_, year) => year is null || year <= Today().Year)
            .WithMessage("'yearOfManufacture' must be between 1800 and the current year.");
        RuleFor(x => x.ImportMarking).MaximumLength(200).SafeIdentifier();
        RuleFor(x => x.Status).NotEmpty().Must(FirearmVocabulary.IsStatus)
            .WithMessage($"'status' must be one of {Listing(FirearmVocabulary.Statuses)}.");
        RuleFor(x => x.EventDate)
            .Must(d => d is null || d.Value <= Today()).WithMessage("'eventDate' must not be in the future.")
            .Must(d => d is null || d.Value.Year >= 1800).WithMessage("'eventDate' must not be before 1800.");
        RuleFor(x => x.EventDate)
            .Must((r, d) => d is null || r.YearOfManufacture is null || d.Value.Year >= r.YearOfManufacture)
            .WithMessage("'eventDate' must not be before the year of manufacture.");
        RuleFor(x => x.EventCountryCode).Must(c => c is null || Countries.IsValid(c))
            .WithMessage("'eventCountryCode' must be an ISO 3166-1 alpha-2 code in upper case, like 'FR'.");
        RuleFor(x => x.EventPlace).MaximumLength(200).SafeIdentifier();
        RuleFor(x => x.CaseReference).MaximumLength(100).SafeIdentifier();
        RuleFor(x => x.Notes).MaximumLength(4000).SafeFreeText();
        RuleFor(x => x.Visibility!.Scope).NotEmpty()
            .Must(s => FirearmVocabulary.VisibilityScopes.Contains(s!))
            .WithMessage($"'visibility.scope' must be one of {Listing(FirearmVocabulary.VisibilityScopes)}.")
            .When(x => x.Visibility is not null);
        RuleFor(x => x.Visibility!.Countries)
            .Must(c => c is { Count: > 0 and <= MaxVisibilityCountries })
            .WithMessage("'visibility.countries' must list at least one country when the scope is 'countries'.")
            .When(x => x.Visibility?.Scope == "countries");
        RuleFor(x => x.Visibility!.Countries)
            .Must(c => c is null || c.Count == 0)
            .WithMessage("'visibility.countries' is only allowed with the scope 'countries'.")
            .When(x => x.Visibility?.Scope == "all");
        RuleForEach(x => x.Visibility!.Countries).Must(c => c is not null && Countries.IsValid(c))
            .WithMessage("Each of 'visibility.countries' must be an ISO 3166-1 alpha-2 code in upper case.")
            .When(x => x.Visibility?.Countries is not null);
    }
}
