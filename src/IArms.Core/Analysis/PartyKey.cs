using IArms.Core.Tracing;

namespace IArms.Core.Analysis;

/// <summary>
/// One party occurrence reduced to what identifies it: canonical name, country and licence. Two
/// occurrences with equal keys are always the same party; <see cref="PartyResolver"/> decides
/// which different keys are too.
/// </summary>
/// <param name="Name">The canonical name (<see cref="PartyNames.CanonicalName"/>); empty when none was given.</param>
/// <param name="CountryCode">The upper-case country code; null when unknown.</param>
/// <param name="Licence">The normalised licence number (<see cref="PartyNames.NormalizeLicence"/>); null when none.</param>
public sealed record PartyKey(string Name, string? CountryCode, string? Licence)
{
    /// <summary>
    /// The key of <paramref name="party"/>, or null when the occurrence identifies nobody (kind
    /// <c>unknown</c>, or neither a name nor a licence): such occurrences never join a party.
    /// </summary>
    public static PartyKey? Of(Party? party)
    {
        if (party is null || party.Kind == PartyKind.Unknown)
        {
            return null;
        }

        var name = PartyNames.CanonicalName(party.Name);
        var licence = PartyNames.NormalizeLicence(party.Licence);
        return name.Length == 0 && licence is null
            ? null
            : new PartyKey(name, PartyNames.NormalizeCountry(party.CountryCode), licence);
    }

    /// <summary>
    /// The id this occurrence has on its own: derived from the licence and country when it has a
    /// licence, else from the name and country. <see cref="PartyResolver.Resolve"/> gives the same id
    /// except where it merges an unlicensed or country-less occurrence into a licensed party.
    /// </summary>
    public string LocalId => Licence is not null
        ? PartyIds.Of('L', CountryCode, Licence)
        : PartyIds.Of('N', CountryCode, Name);
}

/// <summary>Stable, opaque party ids: a 64-bit FNV-1a hash of the identifying fields, as 16 hex digits after "p".</summary>
/// <remarks>
/// A content hash rather than a sequence number so that the id depends only on the party's own
/// data: the same input gives the same id in any process, in any order, whatever else is stored.
/// FNV-1a because <see cref="string.GetHashCode()"/> is randomised per process. At 64 bits, ten
/// million parties collide with probability below 10⁻⁵.
/// </remarks>
internal static class PartyIds
{
    public static string Of(char tag, string? country, string value)
    {
        var hash = 14695981039346656037UL;
        hash = Mix(hash, tag);
        foreach (var c in country ?? string.Empty)
        {
            hash = Mix(hash, c);
        }

        // A separator that cannot occur in a country code or a normalised value.
        hash = Mix(hash, '\u001f');
        foreach (var c in value)
        {
            hash = Mix(hash, c);
        }

        return string.Create(17, hash, static (span, h) =>
        {
            span[0] = 'p';
            h.TryFormat(span[1..], out _, "x16", System.Globalization.CultureInfo.InvariantCulture);
        });
    }

    private static ulong Mix(ulong hash, char c)
    {
        hash = (hash ^ (byte)c) * 1099511628211UL;
        return (hash ^ (byte)(c >> 8)) * 1099511628211UL;
    }
}
