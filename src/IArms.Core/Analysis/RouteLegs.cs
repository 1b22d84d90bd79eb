using IArms.Core.Tracing;

namespace IArms.Core.Analysis;

/// <summary>One move of a firearm from one country to another.</summary>
/// <param name="FromCountry">Where the weapon was.</param>
/// <param name="ToCountry">Where it went.</param>
/// <param name="Licensed">Whether an authorization covered the move (see <see cref="RouteLegs.Of"/>).</param>
/// <param name="Date">The date of the event that shows the weapon in <paramref name="ToCountry"/>.</param>
public sealed record RouteLeg(string FromCountry, string ToCountry, bool Licensed, DateOnly Date);

/// <summary>The countries a firearm moved between, from its analysed chain.</summary>
public static class RouteLegs
{
    /// <summary>
    /// The route legs of one firearm, each distinct (from, to) pair once, in order of first crossing.
    /// </summary>
    /// <remarks>
    /// <para>The chain is walked in order, tracking the country the weapon is in. An event that hands
    /// custody to an identified party (a transfer, or a manufacture) puts it in that party's country,
    /// else the event's country; any other event (a theft report, a seizure) puts it in the event's
    /// country, else its <c>toParty</c>'s. Each change of country between consecutive known locations
    /// is a leg, so a chain gives every change between consecutive holders, and the move from the
    /// point of diversion (where the last lawful holder lost it) through any recorded transit country
    /// to the country of seizure or recovery.</para>
    /// <para>A leg is licensed when the event that makes it carries an authorization, or is one end of
    /// an export/import shipment whose other end does. A move shown only by a seizure, a recovery or
    /// a report is never licensed. When a firearm makes the same move twice, the leg keeps the first
    /// date and is unlicensed if either crossing was: for tracing, one unlicensed crossing is what matters.</para>
    /// </remarks>
    /// <param name="report">The firearm's analysed chain (<see cref="ChainAnalyzer.Analyze"/>).</param>
    /// <param name="recoveryCountry">
    /// Where the record says the weapon was seized or recovered, used as a last location only when the
    /// chain itself has no seizure or recovery (a record reported seized with no custody events yet).
    /// </param>
    /// <param name="recoveryDate">The date of that seizure or recovery.</param>
    public static IReadOnlyList<RouteLeg> Of(TraceReport report, string? recoveryCountry = null, DateOnly? recoveryDate = null)
    {
        ArgumentNullException.ThrowIfNull(report);
        var chain = report.Chain;
        List<RouteLeg>? legs = null;
        string? here = null;
        var found = false;
        for (var i = 0; i < chain.Count; i++)
        {
            var e = chain[i];
            found |= e.Type is CustodyEventType.Seized or CustodyEventType.Recovered;
            var there = Location(e);
            if (there is null)
            {
                continue;
            }

            if (here is not null && there != here)
            {
                Add(ref legs, new RouteLeg(here, there, IsLicensed(chain, i), e.Date));
            }

            here = there;
        }

        var recovery = PartyNames.NormalizeCountry(recoveryCountry);
        if (!found && here is not null && recovery is not null && recovery != here && recoveryDate is { } date)
        {
            Add(ref legs, new RouteLeg(here, recovery, false, date));
        }

        return legs is null ? [] : legs.AsReadOnly();
    }

    private static void Add(ref List<RouteLeg>? legs, RouteLeg leg)
    {
        legs ??= new List<RouteLeg>(4);
        for (var i = 0; i < legs.Count; i++)
        {
            if (legs[i].FromCountry == leg.FromCountry && legs[i].ToCountry == leg.ToCountry)
            {
                if (legs[i].Licensed && !leg.Licensed)
                {
                    legs[i] = legs[i] with { Licensed = false };
                }

                return;
            }
        }

        legs.Add(leg);
    }

    /// <summary>The country the weapon is in after <paramref name="e"/>; null when the event does not say.</summary>
    private static string? Location(CustodyEvent e)
    {
        var handsOver = e.Type == CustodyEventType.Manufactured || ChainAnalyzer.IsTransfer(e.Type);
        return handsOver && e.ToParty is { Kind: not PartyKind.Unknown }
            ? PartyNames.NormalizeCountry(e.ToParty.CountryCode) ?? PartyNames.NormalizeCountry(e.CountryCode)
            : PartyNames.NormalizeCountry(e.CountryCode) ?? PartyNames.NormalizeCountry(e.ToParty?.CountryCode);
    }

    private static bool IsLicensed(IReadOnlyList<CustodyEvent> chain, int i)
    {
        var e = chain[i];
        if (!ChainAnalyzer.IsTransfer(e.Type))
        {
            return false;
        }

        if (e.Authorization is not null)
        {
            return true;
        }

        // The export and the import of one shipment are two records of one move.
        return (i > 0 && ChainAnalyzer.IsOtherEndOfShipment(chain[i - 1], e) && chain[i - 1].Authorization is not null)
            || (i + 1 < chain.Count && ChainAnalyzer.IsOtherEndOfShipment(e, chain[i + 1]) && chain[i + 1].Authorization is not null);
    }
}
