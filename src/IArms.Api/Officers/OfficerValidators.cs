using FluentValidation;
using IArms.Api.Agencies;
using IArms.Api.Infrastructure;

namespace IArms.Api.Officers;

public sealed class CreateOfficerRequestValidator : AbstractValidator<CreateOfficerRequest>
{
    public CreateOfficerRequestValidator()
    {
        RuleFor(x => x.Username).NotEmpty().MaximumLength(64)
            .Matches("^[a-z0-9][a-z0-9._-]{2,63}$")
            .WithMessage("'username' must be 3 to 64 lower-case letters, digits, '.', '-' or '_', starting with a letter or digit.");
        RuleFor(x => x.DisplayName).NotEmpty().MaximumLength(200).SafeIdentifier();
        this.RoleSet(x => x.Roles);
    }
}
