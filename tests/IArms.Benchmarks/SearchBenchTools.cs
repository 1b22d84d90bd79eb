using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using IArms.Api.Data;
using IArms.Api.Firearms;
using IArms.Api.Search;
using IArms.Core.Serials;
using Microsoft.Data.Sqlite;

namespace IArms.Benchmarks;

/// <summary>
/// Helpers for <c>scripts/bench-search.sh</c>:
/// <c>queries --database PATH --out DIR [--count N]</c> writes one file of search request bodies per
/// kind (exact, confusable, wildcard, fuzzy, two-edits), derived deterministically from serials in the database;
/// <c>plans --database PATH</c> prints SQLite's query plan for every search statement, with the SQL
/// taken from the app's own <see cref="Sql"/> fields (rendered for SQLite) so the plans never drift from the code.
/// </summary>
public static partial class SearchBenchTools
{
    private static readonly string[] Kinds = ["exact", "confusable", "wildcard", "fuzzy", "two-edits"];

    public static int Queries(string[] args)
    {
        var database = Arg(args, "--database");
        var output = Arg(args, "--out");
        var count = int.Parse(Arg(args, "--count", "500"), CultureInfo.InvariantCulture);
        Directory.CreateDirectory(output);

        // Evenly spaced main serials: deterministic, and spread over every maker and format.
        var serials = new List<string>();
        using (var connection = Open(database))
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT MAX(id) FROM firearm_serial";
            var max = (long)command.ExecuteScalar()!;
            // Serials of records the bench agency (FR-NCB) may see: for it, one it may not see is a miss, which runs
            // every tier, not an exact search.
            command.CommandText = """
                SELECT s.serial FROM firearm_serial s JOIN firearm f ON f.id = s.firearm_id
                WHERE s.id = $id AND s.location = 'main'
                  AND (f.visibility_scope = 'all' OR f.owner_agency_id = (SELECT id FROM agency WHERE code = 'FR-NCB')
                       OR EXISTS (SELECT 1 FROM firearm_visibility v WHERE v.firearm_id = f.id AND v.country_code = 'FR'))
                """;
            var id = command.Parameters.Add("$id", SqliteType.Integer);
            var step = Math.Max(1, max / (count * 2));
            for (var at = 1L; at <= max && serials.Count < count; at += step)
            {
                id.Value = at;
                if (command.ExecuteScalar() is string serial)
                {
                    serials.Add(serial);
                }
            }
        }

        var random = new Random(7);
        var twoEditsRandom = new Random(11); // its own, so that the other kinds' queries stay those of earlier runs
        var bodies = Kinds.ToDictionary(k => k, _ => new List<string>());
        foreach (var serial in serials)
        {
            var normalized = SerialNormalizer.Normalize(serial);
            bodies["exact"].Add(Body(serial));
            if (Confusable(normalized, random) is { } confusable)
            {
                bodies["confusable"].Add(Body(confusable));
            }
            if (normalized.Length >= 5)
            {
                bodies["wildcard"].Add(Body(Wildcard(normalized, random)));
            }
            if (normalized.Length >= 6)
            {
                bodies["fuzzy"].Add(Body(Fuzzy(normalized, random)));
            }
            if (DamerauLevenshtein.FuzzyThreshold(normalized.Length) >= 2 && TwoEdits(normalized, twoEditsRandom) is { } twoEdits)
            {
                bodies["two-edits"].Add(Body(twoEdits));
            }
        }
        foreach (var (kind, list) in bodies)
        {
            File.WriteAllLines(Path.Combine(output, kind + ".txt"), list);
            Console.WriteLine($"{kind}: {list.Count} queries, e.g. {list[0]}");
        }
        return 0;

        static string Body(string serial) => JsonSerializer.Serialize(new { serialNumber = serial, purpose = "seizure" });
    }

    /// <summary>The serial with one or two characters swapped for their look-alikes (0↔O, 1↔I, 5↔S, 8↔B, 2↔Z, 6↔G).</summary>
    private static string? Confusable(string normalized, Random random)
    {
        const string from = "0O1I5S8B2Z6G";
        const string to = "O0I1S5B8Z2G6";
        var chars = normalized.ToCharArray();
        var positions = Enumerable.Range(0, chars.Length).Where(i => from.Contains(chars[i], StringComparison.Ordinal)).ToList();
        if (positions.Count == 0)
        {
            return null;
        }
        foreach (var at in positions.OrderBy(_ => random.Next()).Take(1 + random.Next(2)))
        {
            chars[at] = to[from.IndexOf(chars[at], StringComparison.Ordinal)];
        }
        return new string(chars);
    }

    /// <summary>Two unreadable characters: either two <c>?</c> or the first two replaced by a <c>*</c>.</summary>
    private static string Wildcard(string normalized, Random random)
    {
        if (random.Next(2) == 0)
        {
            return "*" + normalized[2..];
        }
        var chars = normalized.ToCharArray();
        var first = random.Next(chars.Length);
        var second = (first + 1 + random.Next(chars.Length - 1)) % chars.Length;
        chars[first] = '?';
        chars[second] = '?';
        return new string(chars);
    }

    /// <summary>
    /// A serial misread twice: two adjacent characters transposed and, apart from them, one replaced by a character that
    /// is no look-alike; found only by the tier of two edits (or by no tier before it). Null when the pair is one character twice.
    /// </summary>
    private static string? TwoEdits(string normalized, Random random)
    {
        var chars = normalized.ToCharArray();
        var at = random.Next(chars.Length - 1);
        if (chars[at] == chars[at + 1])
        {
            return null;
        }
        (chars[at], chars[at + 1]) = (chars[at + 1], chars[at]);
        var where = (at + 2 + random.Next(chars.Length - 2)) % chars.Length;
        chars[where] = Replacement(chars[where], random);
        return new string(chars);
    }

    /// <summary>A misread serial: two adjacent characters transposed, or one replaced by a character that is no look-alike.</summary>
    private static string Fuzzy(string normalized, Random random)
    {
        var chars = normalized.ToCharArray();
        if (random.Next(2) == 0)
        {
            var at = random.Next(chars.Length - 1);
            if (chars[at] != chars[at + 1])
            {
                (chars[at], chars[at + 1]) = (chars[at + 1], chars[at]);
                return new string(chars);
            }
        }
        var where = random.Next(chars.Length);
        chars[where] = Replacement(chars[where], random);
        return new string(chars);
    }

    /// <summary>A character that is no look-alike of <paramref name="original"/>.</summary>
    private static char Replacement(char original, Random random)
    {
        const string plain = "3479ACEFHKMNPRTUVWXY";
        char replacement;
        do
        {
            replacement = plain[random.Next(plain.Length)];
        }
        while (SerialNormalizer.Canonicalize(replacement.ToString()) == SerialNormalizer.Canonicalize(original.ToString()));
        return replacement;
    }

    public static int Plans(string[] args)
    {
        var database = Arg(args, "--database");
        using var connection = Open(database);
        string canonical;
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "SELECT canonical FROM firearm_serial WHERE id = (SELECT MAX(id) / 2 FROM firearm_serial)";
            canonical = (string)command.ExecuteScalar()!;
        }
        var trigrams = SerialKeys.ForPartial(canonical);
        var fuzzy = SerialKeys.ForFuzzy(canonical, 2);
        // Representative values for every parameter name the search statements use.
        var values = new Dictionary<string, object>
        {
            ["canonical"] = canonical, ["normalized"] = SerialNormalizer.Normalize(canonical),
            ["cap"] = SerialSearch.CandidateCap,
            ["key"] = trigrams[0], ["k1"] = trigrams[0], ["k2"] = trigrams[1], ["k3"] = trigrams[2],
            ["callerAgencyId"] = 1L, ["callerCountry"] = "FR", ["length"] = canonical.Length,
            ["minLength"] = canonical.Length - 2, ["maxLength"] = canonical.Length + 2,
            ["keys"] = System.Text.Json.JsonSerializer.Serialize(fuzzy),
            ["ids"] = System.Text.Json.JsonSerializer.Serialize(Enumerable.Range(1, 20).Select(i => (long)i)),
            ["firearmId"] = 1L, ["limit"] = 20_000,
            ["from"] = canonical[..4], ["to"] = canonical[..3] + (char)(canonical[3] + 1),
        };
        var lists = new Dictionary<string, IReadOnlyList<object>>
        {
            ["ids"] = Enumerable.Range(1, 20).Select(i => (object)(long)i).ToList(),
            ["serialIds"] = Enumerable.Range(1, 20).Select(i => (object)(long)i).ToList(),
        };
        Console.WriteLine($"Representative serial: {canonical}; trigram keys {string.Join(", ", trigrams.Take(3))}; {fuzzy.Count} deletion keys for distance 2.");

        foreach (var type in new[] { typeof(SearchQueries), typeof(FirearmQueries) })
        {
            foreach (var field in type.GetFields(BindingFlags.Static | BindingFlags.NonPublic | BindingFlags.Public)
                         .Where(f => f.FieldType == typeof(Sql) && (type == typeof(SearchQueries) || f.Name == "SelectVisibleByIds")))
            {
                var text = ((Sql)field.GetValue(null)!).For(SqliteDialect.Instance);
                if (!text.TrimStart().StartsWith("SELECT", StringComparison.Ordinal))
                {
                    continue; // the index upkeep writes; the plans of interest are the search's reads
                }
                var sql = text;
                using var command = connection.CreateCommand();
                // Dapper expands "IN @list" into one parameter per element; do the same here.
                sql = ListParameter().Replace(sql, m =>
                {
                    var name = m.Groups[1].Value;
                    var items = lists[name];
                    for (var i = 0; i < items.Count; i++)
                    {
                        command.Parameters.AddWithValue($"@{name}{i}", items[i]);
                    }
                    return "IN (" + string.Join(", ", Enumerable.Range(0, items.Count).Select(i => $"@{name}{i}")) + ")";
                });
                foreach (Match m in Parameter().Matches(sql))
                {
                    var name = m.Groups[1].Value;
                    if (!command.Parameters.Contains("@" + name) && values.TryGetValue(name, out var value))
                    {
                        command.Parameters.AddWithValue("@" + name, value);
                    }
                }
                command.CommandText = "EXPLAIN QUERY PLAN " + sql;
                var plan = new StringBuilder();
                var depth = new Dictionary<long, int> { [0] = 0 };
                using (var reader = command.ExecuteReader())
                {
                    while (reader.Read())
                    {
                        var (id, parent, detail) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetString(3));
                        var level = depth.GetValueOrDefault(parent) + 1;
                        depth[id] = level;
                        plan.AppendLine(new string(' ', 2 * level) + detail);
                    }
                }
                Console.WriteLine($"### {type.Name}.{field.Name}\n\n```sql\n{text.Trim()}\n```\n\n```\nQUERY PLAN\n{plan}```\n");
            }
        }
        return 0;
    }

    private static SqliteConnection Open(string database)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = database, Mode = SqliteOpenMode.ReadOnly }.ToString());
        connection.Open();
        return connection;
    }

    private static string Arg(string[] args, string name, string? fallback = null)
    {
        var at = Array.IndexOf(args, name);
        return at >= 0 && at + 1 < args.Length ? args[at + 1]
            : fallback ?? throw new ArgumentException($"Missing {name}.");
    }

    [GeneratedRegex(@"IN @(\w+)")]
    private static partial Regex ListParameter();

    [GeneratedRegex(@"@(\w+)")]
    private static partial Regex Parameter();
}
