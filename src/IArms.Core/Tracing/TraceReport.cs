namespace IArms.Core.Tracing;

/// <summary>The result of analysing a firearm's custody chain.</summary>
/// <param name="Chain">The events in time order.</param>
/// <param name="Gaps">Holes in the chain, in chain order.</param>
/// <param name="Diversion">Where the weapon left lawful hands; null when it never did.</param>
/// <param name="TimeToCrimeDays">Days from the last sale to the first seizure or recovery after it.</param>
/// <param name="Indicators">Indicator codes (see <see cref="TraceIndicators"/>), sorted and distinct.</param>
/// <remarks>
/// Equality compares the lists element by element rather than by reference, so that two
/// analyses of the same events compare equal; callers and tests rely on that to check that
/// the analysis does not depend on the order the events arrived in.
/// </remarks>
public sealed record TraceReport(
    IReadOnlyList<CustodyEvent> Chain,
    IReadOnlyList<ChainGap> Gaps,
    Diversion? Diversion,
    int? TimeToCrimeDays,
    IReadOnlyList<string> Indicators)
{
    /// <inheritdoc />
    public bool Equals(TraceReport? other) =>
        other is not null
        && Chain.SequenceEqual(other.Chain)
        && Gaps.SequenceEqual(other.Gaps)
        && Equals(Diversion, other.Diversion)
        && TimeToCrimeDays == other.TimeToCrimeDays
        && Indicators.SequenceEqual(other.Indicators, StringComparer.Ordinal);

    /// <inheritdoc />
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var e in Chain)
        {
            hash.Add(e);
        }

        foreach (var g in Gaps)
        {
            hash.Add(g);
        }

        hash.Add(Diversion);
        hash.Add(TimeToCrimeDays);
        foreach (var i in Indicators)
        {
            hash.Add(i, StringComparer.Ordinal);
        }

        return hash.ToHashCode();
    }
}

/// <summary>A hole between two consecutive events of a chain.</summary>
/// <param name="AfterEventId">The event before the hole.</param>
/// <param name="BeforeEventId">The event after the hole.</param>
/// <param name="Kind">Discontinuity of custody or a long silence.</param>
public sealed record ChainGap(string AfterEventId, string BeforeEventId, GapKind Kind);

/// <summary>The point where a weapon left lawful hands.</summary>
/// <param name="Reason">Which rule placed it.</param>
/// <param name="Confidence">How strongly the events support it.</param>
/// <param name="LastLawfulHolder">The last party known to hold the weapon lawfully.</param>
/// <param name="LastLawfulEventId">The event that gave that party custody.</param>
/// <param name="FirstIllicitEventId">The first event that shows the weapon outside lawful hands.</param>
/// <param name="CountryCode">The country where the diversion most likely happened.</param>
/// <param name="DateFrom">The earliest date the diversion can have happened.</param>
/// <param name="DateTo">The latest date the diversion can have happened.</param>
public sealed record Diversion(
    DiversionReason Reason,
    Confidence Confidence,
    Party? LastLawfulHolder,
    string? LastLawfulEventId,
    string? FirstIllicitEventId,
    string? CountryCode,
    DateOnly? DateFrom,
    DateOnly? DateTo);

/// <summary>The indicator codes a <see cref="TraceReport"/> can carry, as they appear on the wire.</summary>
public static class TraceIndicators
{
    /// <summary>Under three years from the last sale to the first seizure or recovery.</summary>
    public const string ShortTimeToCrime = "short-time-to-crime";

    /// <summary>The firearm record says the serial number was obliterated.</summary>
    public const string ObliteratedSerial = "obliterated-serial";

    /// <summary>Diverted from a state stockpile, military or police holder.</summary>
    public const string StockpileLoss = "stockpile-loss";

    /// <summary>The chain has at least one gap.</summary>
    public const string ChainGap = "chain-gap";

    /// <summary>The weapon was seized more than once.</summary>
    public const string MultipleRecoveries = "multiple-recoveries";
}
