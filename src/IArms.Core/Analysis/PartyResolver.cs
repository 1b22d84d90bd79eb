using IArms.Core.Tracing;

namespace IArms.Core.Analysis;

/// <summary>
/// Resolves party occurrences across chains into parties with stable ids. Rules (issue 13): names
/// compare by <see cref="PartyNames.CanonicalName"/>; a licence, when both sides give one, decides;
/// the country must agree when both give one.
/// </summary>
/// <remarks>
/// <para>Those rules are not transitive ("A. Smith" without licence matches both "A. Smith" licence 1
/// and "A. Smith" licence 2, which differ), so a resolution cannot just union everything that
/// matches. It works in four steps over the <em>set</em> of distinct keys, which is what makes it
/// independent of the order the chains arrive in:</para>
/// <list type="number">
/// <item>A key with licence and country is the party <c>(licence, country)</c>.</item>
/// <item>A key with a licence but no country joins the party of that licence when exactly one
/// country has it; otherwise it is the party <c>(licence, no country)</c>.</item>
/// <item>A key with a name and country but no licence joins the licensed party whose keys carry the
/// same name and a compatible country when there is exactly one such party; otherwise it is the
/// party <c>(name, country)</c>.</item>
/// <item>A key with a name and neither licence nor country joins the one party every other key of
/// that name belongs to, when there is exactly one; otherwise it is the party <c>(name, no country)</c>.</item>
/// </list>
/// <para>Every id is the <see cref="PartyKey.LocalId"/> of the key that names the party (a hash of
/// licence and country, or of name and country), never a counter, so adding chains that share no
/// name or licence with a party leaves its id unchanged, and most occurrences resolve to their own
/// local id. Incremental use: the id of a key depends only on the keys that share its name or
/// licence, plus the keys sharing the licence of those; the API can resolve a new occurrence by
/// loading just those rows (by name key and by licence) and calling <see cref="Resolve"/> on them.</para>
/// </remarks>
public static class PartyResolver
{
    /// <summary>The id of one occurrence without looking at any other: <see cref="PartyKey.LocalId"/>; null when it identifies nobody.</summary>
    public static string? LocalId(Party? party) => PartyKey.Of(party)?.LocalId;

    /// <summary>Resolves a set of keys (duplicates and order do not matter) into parties.</summary>
    public static PartyResolution Resolve(IEnumerable<PartyKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var distinct = new HashSet<PartyKey>(keys);
        var resolved = new Dictionary<PartyKey, (string Id, string? Country)>(distinct.Count);

        // Countries under which each licence was given, and keys by name.
        var licenceCountries = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var byName = new Dictionary<string, List<PartyKey>>(StringComparer.Ordinal);
        foreach (var key in distinct)
        {
            if (key.Licence is not null && key.CountryCode is not null)
            {
                GetOrAdd(licenceCountries, key.Licence).Add(key.CountryCode);
            }

            if (key.Name.Length > 0)
            {
                GetOrAdd(byName, key.Name).Add(key);
            }
        }

        // Steps 1 and 2: licensed keys.
        foreach (var key in distinct)
        {
            if (key.Licence is null)
            {
                continue;
            }

            if (key.CountryCode is not null)
            {
                resolved[key] = (key.LocalId, key.CountryCode);
            }
            else if (licenceCountries.TryGetValue(key.Licence, out var countries) && countries.Count == 1)
            {
                var country = countries.First();
                resolved[key] = (PartyIds.Of('L', country, key.Licence), country);
            }
            else
            {
                resolved[key] = (key.LocalId, null);
            }
        }

        // Step 3: unlicensed keys with a country.
        foreach (var key in distinct)
        {
            if (key.Licence is not null || key.CountryCode is null)
            {
                continue;
            }

            string? single = null;
            var ambiguous = false;
            foreach (var other in byName[key.Name])
            {
                if (other.Licence is null)
                {
                    continue;
                }

                var (id, country) = resolved[other];
                if (country is not null && country != key.CountryCode)
                {
                    continue;
                }

                ambiguous |= single is not null && single != id;
                single ??= id;
            }

            resolved[key] = (!ambiguous && single is not null ? single : key.LocalId, key.CountryCode);
        }

        // Step 4: keys with only a name.
        foreach (var key in distinct)
        {
            if (key.Licence is not null || key.CountryCode is not null)
            {
                continue;
            }

            (string Id, string? Country)? single = null;
            var ambiguous = false;
            foreach (var other in byName[key.Name])
            {
                if (other == key)
                {
                    continue;
                }

                var party = resolved[other];
                ambiguous |= single is not null && single.Value.Id != party.Id;
                single ??= party;
            }

            resolved[key] = !ambiguous && single is not null ? single.Value : (key.LocalId, null);
        }

        var ids = new Dictionary<PartyKey, string>(resolved.Count);
        foreach (var (key, party) in resolved)
        {
            ids[key] = party.Id;
        }

        return new PartyResolution(ids);
    }

    private static TValue GetOrAdd<TValue>(Dictionary<string, TValue> map, string key)
        where TValue : new()
    {
        if (!map.TryGetValue(key, out var value))
        {
            value = new TValue();
            map[key] = value;
        }

        return value;
    }
}

/// <summary>The outcome of <see cref="PartyResolver.Resolve"/>: the party id of each key. Immutable.</summary>
public sealed class PartyResolution
{
    private readonly Dictionary<PartyKey, string> _ids;

    internal PartyResolution(Dictionary<PartyKey, string> ids) => _ids = ids;

    /// <summary>A resolution that knows no other occurrence: every party gets its <see cref="PartyKey.LocalId"/>.</summary>
    public static PartyResolution Local { get; } = new([]);

    /// <summary>
    /// A resolution made earlier and stored (the API keeps each key's id in a table and resolves only the
    /// keys a change can move): the given ids, and the local id for any other key.
    /// </summary>
    public static PartyResolution Of(IEnumerable<KeyValuePair<PartyKey, string>> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var map = new Dictionary<PartyKey, string>();
        foreach (var (key, id) in ids)
        {
            map[key] = id;
        }

        return new PartyResolution(map);
    }

    /// <summary>How many distinct keys were resolved.</summary>
    public int Count => _ids.Count;

    /// <summary>The party id of <paramref name="party"/>; its local id when it was not among the resolved keys; null when it identifies nobody.</summary>
    public string? IdOf(Party? party) => PartyKey.Of(party) is { } key ? IdOf(key) : null;

    /// <summary>The party id of <paramref name="key"/>; its local id when it was not among the resolved keys.</summary>
    public string IdOf(PartyKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return _ids.TryGetValue(key, out var id) ? id : key.LocalId;
    }
}
