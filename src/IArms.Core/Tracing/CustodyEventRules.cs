namespace IArms.Core.Tracing;

/// <summary>
/// Checks one custody event before it is stored. Errors are keyed by the camelCase JSON field
/// name so the API can put them straight into a ProblemDetails <c>errors</c> map.
/// </summary>
/// <remarks>
/// <c>id</c> and <c>source</c> are not checked: the API assigns them, not the caller. Rules that
/// need the rest of the chain (gaps, diversion) belong to <see cref="ChainAnalyzer"/>; an event that
/// breaks custody is still a fact worth recording.
/// </remarks>
public static class CustodyEventRules
{
    /// <summary>Validates <paramref name="e"/>; an empty list means it may be stored.</summary>
    /// <param name="e">The event to check.</param>
    /// <param name="manufactureDate">
    /// The weapon's manufacture date: the earliest <c>manufactured</c> event, else 1 January of the
    /// record's year of manufacture; null when neither is known.
    /// </param>
    /// <param name="today">Today's date in the caller's clock, passed in to keep this function pure.</param>
    public static IReadOnlyList<(string Field, string Message)> Validate(CustodyEvent e, DateOnly? manufactureDate, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(e);
        var errors = new List<(string Field, string Message)>();

        if (!Enum.IsDefined(e.Type))
        {
            errors.Add(("type", "Must be one of: " + string.Join(", ", CustodyVocabulary.EventTypes) + "."));
        }

        if (e.Date > today)
        {
            errors.Add(("date", "Must not be in the future."));
        }

        // A manufactured event is exempt: it may be the record that corrects the manufacture date.
        if (manufactureDate is { } made && e.Type != CustodyEventType.Manufactured && e.Date < made)
        {
            errors.Add(("date", $"Must not be before the weapon's manufacture ({made:yyyy-MM-dd})."));
        }

        CheckCountry(errors, "countryCode", e.CountryCode);
        CheckParty(errors, "fromParty", e.FromParty);
        CheckParty(errors, "toParty", e.ToParty);

        if (ChainAnalyzer.IsTransfer(e.Type))
        {
            if (e.ToParty is null)
            {
                errors.Add(("toParty", $"Is required for a {CustodyVocabulary.ToWire(e.Type)} event."));
            }
            else if (e.FromParty is not null && PartyIdentity.Same(e.FromParty, e.ToParty)
                     && PartyIdentity.IsIdentified(e.FromParty))
            {
                errors.Add(("toParty", "Must differ from fromParty."));
            }
        }

        if (e.Type == CustodyEventType.Exported
            && !PartyIdentity.HasCountry(e.ToParty?.CountryCode) && !PartyIdentity.HasCountry(e.CountryCode))
        {
            errors.Add(("toParty.countryCode", "An export needs a destination country (toParty.countryCode or countryCode)."));
        }

        if (e.Type == CustodyEventType.Imported
            && !PartyIdentity.HasCountry(e.CountryCode) && !PartyIdentity.HasCountry(e.ToParty?.CountryCode))
        {
            errors.Add(("countryCode", "An import needs the country it entered (countryCode or toParty.countryCode)."));
        }

        if (e.Authorization is { } authorization)
        {
            if (!Enum.IsDefined(authorization.Kind))
            {
                errors.Add(("authorization.kind", "Must be one of: " + string.Join(", ", CustodyVocabulary.AuthorizationKinds) + "."));
            }

            if (string.IsNullOrWhiteSpace(authorization.Reference))
            {
                errors.Add(("authorization.reference", "Is required."));
            }
        }

        return errors.AsReadOnly();
    }

    private static void CheckParty(List<(string Field, string Message)> errors, string field, Party? party)
    {
        if (party is null)
        {
            return;
        }

        // A party of kind unknown is one the agency could not identify: asking it for a name would
        // push clients to invent one ("unknown buyer"), which then reads as an identified holder.
        if (string.IsNullOrWhiteSpace(party.Name) && party.Kind != PartyKind.Unknown)
        {
            errors.Add(($"{field}.name", "Is required."));
        }

        if (!Enum.IsDefined(party.Kind))
        {
            errors.Add(($"{field}.kind", "Must be one of: " + string.Join(", ", CustodyVocabulary.PartyKinds) + "."));
        }

        CheckCountry(errors, $"{field}.countryCode", party.CountryCode);
    }

    private static void CheckCountry(List<(string Field, string Message)> errors, string field, string? code)
    {
        // Null means unknown and is allowed; an empty or malformed code is a client bug.
        if (code is not null && !Countries.IsValid(code))
        {
            errors.Add((field, "Must be an assigned ISO 3166-1 alpha-2 code in upper case, such as \"FR\"."));
        }
    }
}
