using FluentValidation;
using IArms.Api.Infrastructure;
using IArms.Core;

namespace IArms.Api.Agencies;

public sealed class CreateAgencyRequestValidator : AbstractValidator<CreateAgencyRequest>
{
    public CreateAgencyRequestValidator()
    {
        RuleFor(x => x.Code).NotEmpty().MaximumLength(32)
            .Matches("^[A-Z0-9]{2,8}(-[A-Z0-9]{2,16})?$")
            .WithMessage("'code' must be upper-case letters and digits, optionally with one hyphen, like 'FR-NCB'.");
        RuleFor(x => x.Name).NotEmpty().MaximumLength(200).SafeIdentifier();
        RuleFor(x => x.CountryCode).NotEmpty()
            .Must(Countries.IsValid).WithMessage("'countryCode' must be an ISO 3166-1 alpha-2 code in upper case, like 'FR'.");
    }
}

public sealed class CreateApiKeyRequestValidator : AbstractValidator<CreateApiKeyRequest>
{
    public CreateApiKeyRequestValidator()
    {
        RuleFor(x => x.Roles).NotEmpty().WithMessage("'roles' must name at least one role.");
        // Each role once, so that a key's roles are a set the contract can bound.
        RuleFor(x => x.Roles).Must(r => r is null || r.Distinct(StringComparer.Ordinal).Count() == r.Count)
            .WithMessage("'roles' must name each role once.");
        RuleForEach(x => x.Roles).Must(Roles.IsRole)
            .WithMessage((_, role) => $"'{role}' is not a role; use {string.Join(", ", Roles.All)}.");
        RuleFor(x => x.Label).NotEmpty().MaximumLength(200).SafeIdentifier();
    }
}
