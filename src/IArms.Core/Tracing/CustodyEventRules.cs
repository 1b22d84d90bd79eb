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
    /// <summary>
    /// No custody event is dated before 1 January 1800. The firearm record's <c>yearOfManufacture</c> has the same
    /// floor: serial-numbered, traceable firearms are of the industrial era, and a floor is what stops a typed-in
    /// "year 1" from becoming the chain's manufacture and bending its silences and its diversion.
    /// </summary>
    public static readonly DateOnly EarliestDate = new(1800, 1, 1);

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

        if (e.Date < EarliestDate)
        {
            errors.Add(("date", $"Must not be before {EarliestDate:yyyy-MM-dd}."));
        }

        // A manufactured event defines the manufacture date rather than following it; ValidateChain judges it
        // against the record's year and the rest of the chain.
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

    /// <summary>
    /// Validates events about to join a chain: each one alone (<see cref="Validate"/>), and together with the chain.
    /// A chain has one <c>manufactured</c> event, in the record's year of manufacture when the record gives one,
    /// and no event is dated before it. Errors carry the index of the incoming event they concern.
    /// </summary>
    /// <param name="incoming">The events to add (one, or the events of one trace answer, judged together).</param>
    /// <param name="chain">The events already in the chain, retracted ones left out: a retracted event is no longer a fact.</param>
    /// <param name="yearOfManufacture">The record's year of manufacture, when it gives one.</param>
    /// <param name="today">Today's date in the caller's clock.</param>
    public static IReadOnlyList<(int Index, string Field, string Message)> ValidateChain(
        IReadOnlyList<CustodyEvent> incoming, IReadOnlyList<CustodyEvent> chain, int? yearOfManufacture, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(incoming);
        ArgumentNullException.ThrowIfNull(chain);
        var all = chain.Concat(incoming).ToList();
        var made = ManufactureDate(all, yearOfManufacture);
        var firstOther = all.Where(e => e.Type != CustodyEventType.Manufactured).Select(e => (DateOnly?)e.Date).Min();
        var existing = chain.FirstOrDefault(e => e.Type == CustodyEventType.Manufactured);
        var manufacturedSeen = existing is not null;
        var errors = new List<(int Index, string Field, string Message)>();

        for (var i = 0; i < incoming.Count; i++)
        {
            var e = incoming[i];
            errors.AddRange(Validate(e, made, today).Select(x => (i, x.Field, x.Message)));
            if (e.Type != CustodyEventType.Manufactured)
            {
                continue;
            }

            if (manufacturedSeen)
            {
                errors.Add((i, "type", existing is null
                    ? "Only one manufactured event: a weapon is manufactured once."
                    : $"The chain already has a manufactured event (dated {existing.Date:yyyy-MM-dd}): a weapon is manufactured once. Its source may retract it if it is wrong."));
            }

            manufacturedSeen = true;
            if (yearOfManufacture is { } year && e.Date.Year != year)
            {
                errors.Add((i, "date", $"Must be in {year}, the record's year of manufacture."));
            }

            if (firstOther is { } first && e.Date > first)
            {
                errors.Add((i, "date", $"Must not be after the chain's earliest event ({first:yyyy-MM-dd}): manufacture comes first."));
            }
        }

        return errors.AsReadOnly();
    }

    /// <summary>
    /// The date before which no event may lie: the earliest <c>manufactured</c> event of <paramref name="chain"/>,
    /// else 1 January of the record's year of manufacture; null when neither is known.
    /// </summary>
    public static DateOnly? ManufactureDate(IEnumerable<CustodyEvent> chain, int? yearOfManufacture)
    {
        ArgumentNullException.ThrowIfNull(chain);
        var made = chain.Where(e => e.Type == CustodyEventType.Manufactured).Select(e => (DateOnly?)e.Date).Min();
        return made ?? (yearOfManufacture is { } year and >= 1 and <= 9999 ? new DateOnly(year, 1, 1) : null);
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
