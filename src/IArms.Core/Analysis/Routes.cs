using System.Runtime.InteropServices;

namespace IArms.Core.Analysis;

/// <summary>One route of the routes analysis: how many firearms made a move between two countries.</summary>
/// <param name="FromCountry">Origin country.</param>
/// <param name="ToCountry">Destination country.</param>
/// <param name="Firearms">Firearms that made the move (each once).</param>
/// <param name="Licensed">Of those, how many made it under an authorization.</param>
/// <param name="Unlicensed">Of those, how many made it without one.</param>
/// <param name="FirstSeen">The earliest date of the move.</param>
/// <param name="LastSeen">The latest date of the move.</param>
public sealed record RouteSummary(string FromCountry, string ToCountry, int Firearms, int Licensed, int Unlicensed, DateOnly FirstSeen, DateOnly LastSeen);

/// <summary>The routes analysis over many firearms' legs.</summary>
public static class Routes
{
    /// <summary>
    /// Groups legs by (from, to), most firearms first, ties by from then to (ordinal). Each leg counts
    /// as one firearm: pass each firearm's <see cref="RouteLegs.Of"/> output, which already holds each
    /// move once. O(n + r log r) for n legs and r routes.
    /// </summary>
    public static IReadOnlyList<RouteSummary> Aggregate(IEnumerable<RouteLeg> legs)
    {
        ArgumentNullException.ThrowIfNull(legs);
        // A mutable accumulator updated in place: one dictionary entry per route, nothing allocated per leg.
        var routes = new Dictionary<(string, string), Accumulator>();
        foreach (var leg in legs)
        {
            ref var r = ref CollectionsMarshal.GetValueRefOrAddDefault(routes, (leg.FromCountry, leg.ToCountry), out var exists);
            if (!exists)
            {
                r.FirstSeen = leg.Date;
                r.LastSeen = leg.Date;
            }

            r.Firearms++;
            r.Licensed += leg.Licensed ? 1 : 0;
            r.FirstSeen = leg.Date < r.FirstSeen ? leg.Date : r.FirstSeen;
            r.LastSeen = leg.Date > r.LastSeen ? leg.Date : r.LastSeen;
        }

        var result = new List<RouteSummary>(routes.Count);
        foreach (var ((from, to), r) in routes)
        {
            result.Add(new RouteSummary(from, to, r.Firearms, r.Licensed, r.Firearms - r.Licensed, r.FirstSeen, r.LastSeen));
        }

        result.Sort(static (x, y) =>
        {
            var c = y.Firearms.CompareTo(x.Firearms);
            if (c != 0)
            {
                return c;
            }

            c = string.CompareOrdinal(x.FromCountry, y.FromCountry);
            return c != 0 ? c : string.CompareOrdinal(x.ToCountry, y.ToCountry);
        });
        return result.AsReadOnly();
    }

    private struct Accumulator
    {
        public int Firearms;
        public int Licensed;
        public DateOnly FirstSeen;
        public DateOnly LastSeen;
    }
}
