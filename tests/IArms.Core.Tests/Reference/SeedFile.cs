using System.Globalization;
using System.Text;
using IArms.Core.Reference;

namespace IArms.Core.Tests.Reference;

/// <summary>
/// Reads the reference seed straight from the migration scripts, so the tests check the rows
/// the database will hold rather than a copy of them.
/// </summary>
internal static class SeedFile
{
    public const string Sqlite = "Sqlite";
    public const string SqlServer = "SqlServer";

    private static readonly Lazy<string> Root = new(FindRepositoryRoot);

    public static string PathOf(string provider) =>
        Path.Combine(Root.Value, "src", "IArms.Api", "Data", "Migrations", provider, "0002_reference.sql");

    public static IReadOnlyList<ReferenceEntry> Makes(string provider = Sqlite)
    {
        var rows = ReadInserts(File.ReadAllText(PathOf(provider)));
        return Entries(rows["reference_make"], rows["reference_make_alias"], "make_id", withCountry: true);
    }

    public static IReadOnlyList<ReferenceEntry> Calibres(string provider = Sqlite)
    {
        var rows = ReadInserts(File.ReadAllText(PathOf(provider)));
        return Entries(rows["reference_calibre"], rows["reference_calibre_alias"], "calibre_id", withCountry: false);
    }

    /// <summary>Every row of every <c>INSERT INTO t (cols) VALUES (...), (...);</c>, keyed by table, as column → value.</summary>
    public static Dictionary<string, List<Dictionary<string, object?>>> ReadInserts(string sql)
    {
        var result = new Dictionary<string, List<Dictionary<string, object?>>>(StringComparer.OrdinalIgnoreCase);
        var scanner = new Scanner(sql);
        while (scanner.SkipTo("INSERT INTO"))
        {
            var table = scanner.Identifier();
            scanner.Expect('(');
            var columns = new List<string>();
            do
            {
                columns.Add(scanner.Identifier());
            }
            while (scanner.TryTake(','));

            scanner.Expect(')');
            scanner.ExpectWord("VALUES");
            if (!result.TryGetValue(table, out var rows))
            {
                result[table] = rows = [];
            }

            do
            {
                scanner.Expect('(');
                var row = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
                for (var i = 0; i < columns.Count; i++)
                {
                    if (i > 0)
                    {
                        scanner.Expect(',');
                    }

                    row[columns[i]] = scanner.Value();
                }

                scanner.Expect(')');
                rows.Add(row);
            }
            while (scanner.TryTake(','));

            scanner.Expect(';');
        }

        return result;
    }

    private static List<ReferenceEntry> Entries(
        List<Dictionary<string, object?>> entries,
        List<Dictionary<string, object?>> aliases,
        string foreignKey,
        bool withCountry)
    {
        var aliasesById = aliases
            .OrderBy(a => (long)a["id"]!)
            .GroupBy(a => (long)a[foreignKey]!)
            .ToDictionary(g => g.Key, g => g.Select(a => (string)a["alias"]!).ToList());
        return
        [
            .. entries.Select(e => new ReferenceEntry(
                (long)e["id"]!,
                (string)e["canonical_name"]!,
                withCountry ? (string?)e["country_code"] : null,
                aliasesById.TryGetValue((long)e["id"]!, out var list) ? list : [])),
        ];
    }

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "IArms.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("IArms.sln not found above the test directory.");
    }

    private sealed class Scanner(string text)
    {
        private int _position;

        // Finds the keyword outside string literals and comments; false at the end of the text.
        public bool SkipTo(string keyword)
        {
            while (_position < text.Length)
            {
                SkipTrivia();
                if (_position >= text.Length)
                {
                    return false;
                }

                if (string.Compare(text, _position, keyword, 0, keyword.Length, StringComparison.OrdinalIgnoreCase) == 0)
                {
                    _position += keyword.Length;
                    return true;
                }

                if (text[_position] == '\'')
                {
                    String();
                }
                else
                {
                    _position++;
                }
            }

            return false;
        }

        public string Identifier()
        {
            SkipTrivia();
            var start = _position;
            while (_position < text.Length && (char.IsLetterOrDigit(text[_position]) || text[_position] is '_' or '.'))
            {
                _position++;
            }

            return start == _position ? throw Error("identifier") : text[start.._position];
        }

        public void ExpectWord(string word)
        {
            if (!string.Equals(Identifier(), word, StringComparison.OrdinalIgnoreCase))
            {
                throw Error(word);
            }
        }

        public void Expect(char c)
        {
            if (!TryTake(c))
            {
                throw Error($"'{c}'");
            }
        }

        public bool TryTake(char c)
        {
            SkipTrivia();
            if (_position < text.Length && text[_position] == c)
            {
                _position++;
                return true;
            }

            return false;
        }

        public object? Value()
        {
            SkipTrivia();
            if (TryWord("NULL"))
            {
                return null;
            }

            if (_position + 1 < text.Length && text[_position] is 'N' or 'n' && text[_position + 1] == '\'')
            {
                _position++;
            }

            if (text[_position] == '\'')
            {
                return String();
            }

            var start = _position;
            while (_position < text.Length && (char.IsAsciiDigit(text[_position]) || text[_position] == '-'))
            {
                _position++;
            }

            return start == _position
                ? throw Error("value")
                : long.Parse(text.AsSpan(start, _position - start), CultureInfo.InvariantCulture);
        }

        private bool TryWord(string word)
        {
            if (string.Compare(text, _position, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0)
            {
                _position += word.Length;
                return true;
            }

            return false;
        }

        private string String()
        {
            var sb = new StringBuilder();
            _position++;
            while (true)
            {
                if (_position >= text.Length)
                {
                    throw Error("end of string literal");
                }

                var c = text[_position++];
                if (c != '\'')
                {
                    sb.Append(c);
                }
                else if (_position < text.Length && text[_position] == '\'')
                {
                    sb.Append('\'');
                    _position++;
                }
                else
                {
                    return sb.ToString();
                }
            }
        }

        private void SkipTrivia()
        {
            while (_position < text.Length)
            {
                if (char.IsWhiteSpace(text[_position]))
                {
                    _position++;
                }
                else if (string.CompareOrdinal(text, _position, "--", 0, 2) == 0)
                {
                    var end = text.IndexOf('\n', _position);
                    _position = end < 0 ? text.Length : end + 1;
                }
                else
                {
                    return;
                }
            }
        }

        private FormatException Error(string expected) =>
            new($"Expected {expected} at offset {_position}: '{text.Substring(_position, Math.Min(40, text.Length - _position))}'");
    }
}
