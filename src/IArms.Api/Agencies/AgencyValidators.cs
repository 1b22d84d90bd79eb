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
        this.RoleSet(x => x.Roles);
        RuleFor(x => x.Label).NotEmpty().MaximumLength(200).SafeIdentifier();
    }
}

/// <summary>The one rule for the roles a key or an officer account is given.</summary>
public static class RoleRules
{
    /// <summary>
    /// At least one role, each a known role and each once, so that the roles are a set the contract can bound (to as
    /// many items as there are roles).
    /// </summary>
    public static void RoleSet<T>(this AbstractValidator<T> validator, System.Linq.Expressions.Expression<Func<T, IEnumerable<string>?>> roles)
    {
        validator.RuleFor(roles).NotEmpty().WithMessage("'roles' must name at least one role.");
        validator.RuleFor(roles).Must(r => r is null || r.Distinct(StringComparer.Ordinal).Count() == r.Count())
            .WithMessage("'roles' must name each role once.");
        validator.RuleForEach(roles!).Must(Roles.IsRole)
            .WithMessage((_, role) => $"'{role}' is not a role; use {string.Join(", ", Roles.All)}.");
    }
}
