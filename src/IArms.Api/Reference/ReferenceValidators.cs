using FluentValidation;
using IArms.Api.Infrastructure;
using IArms.Core;

namespace IArms.Api.Reference;

public sealed class CreateMakeRequestValidator : AbstractValidator<CreateMakeRequest>
{
    /// <summary>The most aliases one request may add (makes and calibres alike).</summary>
    public const int MaxAliases = 50;

    public CreateMakeRequestValidator()
    {
        RuleFor(x => x.CanonicalName).NotEmpty().MaximumLength(200).SafeIdentifier().Must(ReferenceNames.HasLetterOrDigit)
            .WithMessage("'canonicalName' must contain a letter or digit.");
        RuleFor(x => x.CountryCode).Must(c => c is null || Countries.IsValid(c))
            .WithMessage("'countryCode' must be an ISO 3166-1 alpha-2 code in upper case.");
        RuleForEach(x => x.Aliases).NotEmpty().MaximumLength(200).SafeIdentifier().Must(ReferenceNames.HasLetterOrDigit)
            .WithMessage("Each alias must contain a letter or digit.");
        RuleFor(x => x.Aliases).Must(a => a is null || a.Count <= CreateMakeRequestValidator.MaxAliases)
            .WithMessage($"At most {CreateMakeRequestValidator.MaxAliases} aliases at once.");
    }
}

public sealed class CreateCalibreRequestValidator : AbstractValidator<CreateCalibreRequest>
{
    public CreateCalibreRequestValidator()
    {
        RuleFor(x => x.CanonicalName).NotEmpty().MaximumLength(200).SafeIdentifier().Must(ReferenceNames.HasLetterOrDigit)
            .WithMessage("'canonicalName' must contain a letter or digit.");
        RuleForEach(x => x.Aliases).NotEmpty().MaximumLength(200).SafeIdentifier().Must(ReferenceNames.HasLetterOrDigit)
            .WithMessage("Each alias must contain a letter or digit.");
        RuleFor(x => x.Aliases).Must(a => a is null || a.Count <= CreateMakeRequestValidator.MaxAliases)
            .WithMessage($"At most {CreateMakeRequestValidator.MaxAliases} aliases at once.");
    }
}

public sealed class CreateAliasRequestValidator : AbstractValidator<CreateAliasRequest>
{
    public CreateAliasRequestValidator()
    {
        RuleFor(x => x.Alias).NotEmpty().MaximumLength(200).SafeIdentifier().Must(ReferenceNames.HasLetterOrDigit)
            .WithMessage("'alias' must contain a letter or digit.");
    }
}

internal static class ReferenceNames
{
    public static bool HasLetterOrDigit(string? text) => text is not null && text.Any(char.IsLetterOrDigit);
}
