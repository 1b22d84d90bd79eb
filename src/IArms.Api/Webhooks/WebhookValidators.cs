using FluentValidation;

namespace IArms.Api.Webhooks;

/// <summary>The shape of a registration; where the URL points is checked by <see cref="WebhookAddressGuard"/>, which needs DNS.</summary>
public sealed class CreateWebhookRequestValidator : AbstractValidator<CreateWebhookRequest>
{
    public CreateWebhookRequestValidator()
    {
        RuleFor(x => x.Url).NotEmpty().MaximumLength(2000);
        RuleFor(x => x.Events).NotEmpty().WithMessage("'events' must name at least one event.")
            .Must(e => e!.Distinct(StringComparer.Ordinal).Count() == e!.Count).WithMessage("'events' must not repeat an event.");
        RuleForEach(x => x.Events).Must(e => WebhookEvents.All.Contains(e))
            .WithMessage((_, e) => $"'{e}' is not an event; use {string.Join(", ", WebhookEvents.All)}.");
    }
}
