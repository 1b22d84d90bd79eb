using FluentValidation;
using IArms.Api.Infrastructure;

namespace IArms.Api.Tracing;

/// <summary>
/// The shape of a custody event: what must be present to read it, and storage limits. The domain rules
/// (vocabularies, countries, dates, parties a type needs) are <see cref="IArms.Core.Tracing.CustodyEventRules"/>'s,
/// applied by the handler once the firearm is known.
/// </summary>
public sealed class CustodyEventRequestValidator : AbstractValidator<CustodyEventRequest>
{
    public CustodyEventRequestValidator()
    {
        RuleFor(x => x.Date).NotNull();
        RuleFor(x => x.Place).MaximumLength(200).SafeIdentifier();
        RuleFor(x => x.DocumentReference).MaximumLength(100).SafeIdentifier();
        RuleFor(x => x.Notes).MaximumLength(4000).SafeFreeText();
        RuleFor(x => x.FromParty!).SetValidator(new PartyValidator()).When(x => x.FromParty is not null);
        RuleFor(x => x.ToParty!).SetValidator(new PartyValidator()).When(x => x.ToParty is not null);
        RuleFor(x => x.Authorization!.Reference).MaximumLength(100).SafeIdentifier().When(x => x.Authorization is not null);
    }

    private sealed class PartyValidator : AbstractValidator<CustodyParty>
    {
        public PartyValidator()
        {
            RuleFor(p => p.Name).MaximumLength(200).SafeIdentifier();
            RuleFor(p => p.Licence).MaximumLength(100).SafeIdentifier();
        }
    }
}

public sealed class CreateTraceRequestValidator : AbstractValidator<CreateTraceRequest>
{
    public CreateTraceRequestValidator(TimeProvider clock)
    {
        RuleFor(x => x.FirearmId).NotNull().GreaterThan(0);
        RuleFor(x => x.ToAgency).NotEmpty().MaximumLength(32).SafeIdentifier();
        RuleFor(x => x.Priority).Must(p => p is null || TraceVocabulary.Priorities.Contains(p))
            .WithMessage($"'priority' must be one of {string.Join(", ", TraceVocabulary.Priorities)}.");
        RuleFor(x => x.Message).MaximumLength(4000).SafeFreeText();
        RuleFor(x => x.DueDate)
            .Must(d => d is null || d.Value >= DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime))
            .WithMessage("'dueDate' must not be in the past.");
    }
}

public sealed class TraceAnswerRequestValidator : AbstractValidator<TraceAnswerRequest>
{
    public const int MaxEvents = 100;

    public TraceAnswerRequestValidator()
    {
        RuleFor(x => x.Outcome).NotEmpty().Must(o => TraceVocabulary.Outcomes.Contains(o!))
            .WithMessage($"'outcome' must be one of {string.Join(", ", TraceVocabulary.Outcomes)}.");
        RuleFor(x => x.ReasonCode).Must(r => r is null || TraceVocabulary.ReasonCodes.Contains(r))
            .WithMessage($"'reasonCode' must be one of {string.Join(", ", TraceVocabulary.ReasonCodes)}.");
        RuleFor(x => x.ReasonCode).NotEmpty().When(x => x.Outcome == TraceVocabulary.NotTraced)
            .WithMessage("'reasonCode' is required when the outcome is not-traced.");
        RuleFor(x => x.ReasonCode).Null().When(x => x.Outcome == TraceVocabulary.Traced)
            .WithMessage("'reasonCode' explains a failed trace; a traced answer has none.");
        RuleFor(x => x.Events).Must(e => e is null || e.Count <= MaxEvents)
            .WithMessage($"An answer carries at most {MaxEvents} events.");
        RuleForEach(x => x.Events).NotNull().WithMessage("An event must be an object, not null.").SetValidator(new CustodyEventRequestValidator());
        RuleFor(x => x.Notes).MaximumLength(4000).SafeFreeText();
    }
}

public sealed class RetractCustodyEventRequestValidator : AbstractValidator<RetractCustodyEventRequest>
{
    public RetractCustodyEventRequestValidator()
    {
        // The reason is what a later reader of the chain has to go on: an empty one is refused.
        // Kept in the chain and quoted in the audit log: free text like an event's notes, without control or bidi characters.
        RuleFor(x => x.Reason).NotEmpty().WithMessage("'reason' is required: say why the event is retracted.").MaximumLength(1000).SafeFreeText();
    }
}
