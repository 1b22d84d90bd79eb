namespace IArms.Core.Tracing;

/// <summary>
/// Rebuilds a firearm's custody chain from the events the agencies supplied and finds its gaps,
/// the point where it left lawful hands, the time to crime and the trace indicators. Pure and
/// deterministic: any permutation of the same events gives an equal report.
/// </summary>
/// <remarks>
/// Rules follow DESIGN.md "Tracing". Where it is silent:
/// <list type="bullet">
/// <item>Holder: an event hands custody to its <c>toParty</c> when that party is identified (a
/// name and a kind other than <c>unknown</c>); otherwise the holder becomes unknown, except that
/// <c>destroyed</c> and <c>deactivated</c> without a <c>toParty</c> leave it with the holder, who
/// destroys or keeps it. After <c>reported-lost</c>/<c>reported-stolen</c> the holder is always
/// unknown. An unknown holder or an unidentified <c>fromParty</c> is never a gap: absence of data
/// is not evidence of a break.</item>
/// <item>Destination of a transfer: <c>toParty.countryCode</c>, else the event's
/// <c>countryCode</c>. Origin: the country of the party handing over (its <c>fromParty</c>, else
/// the current holder).</item>
/// <item>An <c>imported</c> event with the same parties as the <c>exported</c> event just before
/// it is the other end of that shipment: not a gap, and covered by the export's authorization.</item>
/// <item>When a report's own <c>fromParty</c> contradicts the inferred holder, the report is
/// taken as the last lawful holder (the agency says who lost it) and the contradiction shows as
/// a gap; <c>lastLawfulEventId</c> is then null because no event gave that party custody.</item>
/// <item>A seizure with no earlier event is still a post-custody gap, with no holder and no
/// <c>dateFrom</c>: the weapon was found in illicit hands, so "no diversion" would be false.</item>
/// </list>
/// </remarks>
public static class ChainAnalyzer
{
    /// <summary>The events in chain order (the order <see cref="Analyze"/> walks), for lists that hold more than the analysed events.</summary>
    public static IReadOnlyList<CustodyEvent> Order(IEnumerable<CustodyEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var chain = events.ToArray();
        Array.Sort(chain, CustodyEventOrder.Instance);
        return chain;
    }

    /// <summary>Analyses the custody chain made of <paramref name="events"/>.</summary>
    /// <param name="events">The firearm's custody events, in any order.</param>
    /// <param name="obliteratedSerial">Whether the firearm record says the serial was obliterated.</param>
    public static TraceReport Analyze(IEnumerable<CustodyEvent> events, bool obliteratedSerial)
    {
        ArgumentNullException.ThrowIfNull(events);
        var chain = events.ToArray();
        foreach (var e in chain)
        {
            if (e is null)
            {
                throw new ArgumentException("Custody events must not be null.", nameof(events));
            }
        }

        Array.Sort(chain, CustodyEventOrder.Instance);

        var gaps = new List<ChainGap>();
        var walk = new Walk();
        Diversion? diversion = null;
        var lastSold = -1;
        var seizures = 0;

        for (var i = 0; i < chain.Length; i++)
        {
            var e = chain[i];
            var previous = i > 0 ? chain[i - 1] : null;

            if (previous is not null)
            {
                AddGaps(gaps, previous, e, walk.Holder);
            }

            diversion ??= walk.Divert(e, previous);
            walk.Advance(e);

            if (e.Type == CustodyEventType.Sold)
            {
                lastSold = i;
            }
            else if (e.Type == CustodyEventType.Seized)
            {
                seizures++;
            }
        }

        var (timeToCrimeDays, shortTimeToCrime) = TimeToCrime(chain, lastSold);

        var indicators = new List<string>(5);
        if (shortTimeToCrime)
        {
            indicators.Add(TraceIndicators.ShortTimeToCrime);
        }

        if (obliteratedSerial)
        {
            indicators.Add(TraceIndicators.ObliteratedSerial);
        }

        if (diversion?.LastLawfulHolder?.Kind is PartyKind.StateStockpile or PartyKind.Military or PartyKind.Police)
        {
            indicators.Add(TraceIndicators.StockpileLoss);
        }

        if (gaps.Count > 0)
        {
            indicators.Add(TraceIndicators.ChainGap);
        }

        if (seizures > 1)
        {
            indicators.Add(TraceIndicators.MultipleRecoveries);
        }

        indicators.Sort(StringComparer.Ordinal);

        return new TraceReport(
            Array.AsReadOnly(chain),
            gaps.AsReadOnly(),
            diversion,
            timeToCrimeDays,
            indicators.AsReadOnly());
    }

    private static void AddGaps(List<ChainGap> gaps, CustodyEvent previous, CustodyEvent e, Party? holder)
    {
        if (PartyIdentity.IsIdentified(e.FromParty)
            && PartyIdentity.IsIdentified(holder)
            && !PartyIdentity.Same(e.FromParty, holder)
            && !IsOtherEndOfShipment(previous, e))
        {
            gaps.Add(new ChainGap(previous.Id, e.Id, GapKind.CustodyDiscontinuity));
        }

        if (IsMoreThanYearsApart(previous.Date, e.Date, 10))
        {
            gaps.Add(new ChainGap(previous.Id, e.Id, GapKind.Silence));
        }
    }

    /// <summary>The last sold event to the first seizure or recovery after it, in days.</summary>
    private static (int? Days, bool Short) TimeToCrime(CustodyEvent[] chain, int lastSold)
    {
        if (lastSold < 0)
        {
            return (null, false);
        }

        var sold = chain[lastSold].Date;
        for (var j = lastSold + 1; j < chain.Length; j++)
        {
            if (chain[j].Type is CustodyEventType.Seized or CustodyEventType.Recovered)
            {
                var found = chain[j].Date;
                // "Under 3 years" in calendar years, like the 10-year silence, so leap days do
                // not move the threshold.
                return (found.DayNumber - sold.DayNumber, !IsYearsOrMoreApart(sold, found, 3));
            }
        }

        return (null, false);
    }

    internal static bool IsOtherEndOfShipment(CustodyEvent? previous, CustodyEvent e) =>
        e.Type == CustodyEventType.Imported
        && previous is { Type: CustodyEventType.Exported }
        && PartyIdentity.Same(previous.FromParty, e.FromParty)
        && PartyIdentity.Same(previous.ToParty, e.ToParty);

    private static bool IsMoreThanYearsApart(DateOnly earlier, DateOnly later, int years) =>
        earlier.Year <= DateOnly.MaxValue.Year - years && later > earlier.AddYears(years);

    private static bool IsYearsOrMoreApart(DateOnly earlier, DateOnly later, int years) =>
        earlier.Year <= DateOnly.MaxValue.Year - years && later >= earlier.AddYears(years);

    private static string? Destination(CustodyEvent e) =>
        PartyIdentity.HasCountry(e.ToParty?.CountryCode) ? e.ToParty!.CountryCode
        : PartyIdentity.HasCountry(e.CountryCode) ? e.CountryCode
        : null;

    private static string? FirstCountry(string? a, string? b, string? c = null) =>
        PartyIdentity.HasCountry(a) ? a
        : PartyIdentity.HasCountry(b) ? b
        : PartyIdentity.HasCountry(c) ? c
        : null;

    /// <summary>Event types that move the weapon from one party to another.</summary>
    internal static bool IsTransfer(CustodyEventType type) =>
        type is CustodyEventType.Exported or CustodyEventType.Imported or CustodyEventType.Transferred
            or CustodyEventType.Sold or CustodyEventType.Assigned;

    /// <summary>The state carried along the chain while walking it forward.</summary>
    private sealed class Walk
    {
        private string? _holderEventId;

        // The end user named by the latest end-user certificate the weapon entered a country
        // under, and that country: a cross-border transfer away from them needs its own papers.
        private Party? _endUser;
        private string? _endUserCountry;

        /// <summary>Who holds the weapon after the events so far; null when unknown.</summary>
        public Party? Holder { get; private set; }

        /// <summary>The diversion that <paramref name="e"/> reveals, if any, given the state before it.</summary>
        public Diversion? Divert(CustodyEvent e, CustodyEvent? previous)
        {
            switch (e.Type)
            {
                case CustodyEventType.ReportedStolen or CustodyEventType.ReportedLost:
                {
                    var (holder, eventId) = LastLawful(e);
                    var reason = e.Type == CustodyEventType.ReportedStolen ? DiversionReason.Theft : DiversionReason.Loss;
                    // The report date is the only date the events give; the theft itself may
                    // have been earlier, but the report is what the agency vouches for.
                    return new Diversion(reason, Confidence.High, holder, eventId, e.Id,
                        FirstCountry(e.CountryCode, holder?.CountryCode), e.Date, e.Date);
                }

                case var t when IsTransfer(t):
                    return DivertTransfer(e, previous);

                case CustodyEventType.Seized or CustodyEventType.Recovered:
                    if (previous is null)
                    {
                        return new Diversion(DiversionReason.PostCustodyGap, Confidence.Low, null, null, e.Id,
                            FirstCountry(e.CountryCode, null), null, e.Date);
                    }

                    // The weapon left lawful hands where its last holder kept it, so that is
                    // the country to ask; the seizure country is already in the chain.
                    // dateFrom is the last event of any kind, the latest proof of lawful custody.
                    return new Diversion(DiversionReason.PostCustodyGap, Confidence.Low, Holder, _holderEventId, e.Id,
                        FirstCountry(Holder?.CountryCode, previous.CountryCode, e.CountryCode), previous.Date, e.Date);

                default:
                    return null;
            }
        }

        private Diversion? DivertTransfer(CustodyEvent e, CustodyEvent? previous)
        {
            var (from, fromEventId) = LastLawful(e);
            var authorized = e.Authorization is not null
                || (IsOtherEndOfShipment(previous, e) && previous!.Authorization is not null);
            var destination = Destination(e);

            if (!authorized
                && _endUser is not null
                && PartyIdentity.Same(from, _endUser)
                && destination is not null
                && !PartyIdentity.SameCountry(destination, _endUserCountry))
            {
                return new Diversion(DiversionReason.UnauthorizedReExport, Confidence.High, from, fromEventId, e.Id,
                    _endUserCountry, e.Date, e.Date);
            }

            var origin = from?.CountryCode;
            var crossBorder = PartyIdentity.HasCountry(origin)
                && destination is not null
                && !PartyIdentity.SameCountry(origin, destination);
            if ((crossBorder && !authorized) || e.ToParty is { Kind: PartyKind.Unknown })
            {
                return new Diversion(DiversionReason.UnauthorizedTransfer, Confidence.Medium, from, fromEventId, e.Id,
                    FirstCountry(origin, e.CountryCode), e.Date, e.Date);
            }

            return null;
        }

        /// <summary>Who handed the weapon over in <paramref name="e"/>, and the event that gave them custody.</summary>
        private (Party? Party, string? EventId) LastLawful(CustodyEvent e)
        {
            if (PartyIdentity.IsIdentified(Holder)
                && (!PartyIdentity.IsIdentified(e.FromParty) || PartyIdentity.Same(e.FromParty, Holder)))
            {
                return (Holder, _holderEventId);
            }

            return PartyIdentity.IsIdentified(e.FromParty) ? (e.FromParty, null) : (null, null);
        }

        public void Advance(CustodyEvent e)
        {
            if (e.Type is CustodyEventType.Exported or CustodyEventType.Imported
                && e.Authorization?.Kind == AuthorizationKind.EndUserCertificate
                && PartyIdentity.IsIdentified(e.ToParty)
                && Destination(e) is not null)
            {
                // A newer certificate replaces the old one: its end user now answers for the weapon.
                // Without the country it was issued for, "leaving that country" cannot be judged,
                // so such a certificate is ignored and the general transfer rule still applies.
                _endUser = e.ToParty;
                _endUserCountry = Destination(e);
            }

            switch (e.Type)
            {
                case CustodyEventType.ReportedLost or CustodyEventType.ReportedStolen:
                    SetHolder(null, null);
                    break;
                case CustodyEventType.Destroyed or CustodyEventType.Deactivated when e.ToParty is null:
                    break;
                default:
                    if (PartyIdentity.IsIdentified(e.ToParty))
                    {
                        SetHolder(e.ToParty, e.Id);
                    }
                    else
                    {
                        SetHolder(null, null);
                    }

                    break;
            }
        }

        private void SetHolder(Party? holder, string? eventId)
        {
            Holder = holder;
            _holderEventId = eventId;
        }
    }
}
