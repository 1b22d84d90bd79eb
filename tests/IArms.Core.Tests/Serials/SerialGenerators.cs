using FsCheck;
using FsCheck.Fluent;
using IArms.Core.Serials;

namespace IArms.Core.Tests.Serials;

/// <summary>A serial number as a register would hold it: A–Z and 0–9, 4 to 14 characters.</summary>
public sealed record Serial(string Value)
{
    public override string ToString() => Value;
}

/// <summary>A serial and a query made from it by a few random edits.</summary>
public sealed record EditedSerial(string Serial, string Query, string Edits)
{
    public override string ToString() => $"{Serial} -> {Query} ({Edits})";
}

/// <summary>A serial and a query one substitution or adjacent transposition away.</summary>
public sealed record SingleEdit(string Serial, string Query)
{
    public override string ToString() => $"{Serial} -> {Query}";
}

/// <summary>A serial and a query that spells it with other case, spacing and punctuation.</summary>
public sealed record RespelledSerial(string Serial, string Query)
{
    public override string ToString() => $"{Serial} as '{Query}'";
}

/// <summary>A serial and a query with some characters swapped for look-alikes (O for 0, B for 8...).</summary>
public sealed record LookAlikeSerial(string Serial, string Query)
{
    public override string ToString() => $"{Serial} as '{Query}'";
}

/// <summary>A serial and a wildcard query made by hiding some of its characters.</summary>
public sealed record HiddenSerial(string Serial, string Query)
{
    public override string ToString() => $"{Serial} as '{Query}'";
}

/// <summary>FsCheck generators for serial-number properties.</summary>
public static class SerialGenerators
{
    public const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    /// <summary>Characters that look alike and fold to the same canonical character.</summary>
    public static readonly string[] LookAlikeGroups = ["OQD0", "IL1", "Z2", "S5", "B8", "G6"];

    private static readonly char[] Separators = [' ', '-', '/', '.', '_', '\t'];

    public static Gen<string> SerialText(int minLength = 4, int maxLength = 14) =>
        from length in Gen.Choose(minLength, maxLength)
        from chars in Gen.ArrayOf(Gen.Elements(Alphabet.ToCharArray()), length)
        select new string(chars);

    public static Arbitrary<Serial> Serials() => Arb.From(SerialText().Select(s => new Serial(s)));

    public static Arbitrary<EditedSerial> EditedSerials() => Arb.From(
        from serial in SerialText()
        from count in Gen.Choose(0, 2)
        from edits in Gen.ArrayOf(Edit(), count)
        select ApplyEdits(serial, edits));

    /// <summary>Exactly one substitution or adjacent transposition.</summary>
    public static Arbitrary<SingleEdit> SingleEdits() => Arb.From(
        from serial in SerialText()
        from kind in Gen.Elements('s', 't')
        from position in Gen.Choose(0, 1000)
        from replacement in Gen.Elements(Alphabet.ToCharArray())
        let edited = ApplyEdits(serial, [(kind, position, replacement)])
        select new SingleEdit(edited.Serial, edited.Query));

    public static Arbitrary<RespelledSerial> RespelledSerials() => Arb.From(
        from serial in SerialText()
        from lower in Gen.ArrayOf(Gen.Elements(true, false), serial.Length)
        from gaps in Gen.ArrayOf(Gen.Choose(-6, Separators.Length - 1), serial.Length + 1)
        select new RespelledSerial(serial, Respell(serial, lower, gaps)));

    public static Arbitrary<LookAlikeSerial> LookAlikeSerials() => Arb.From(
        from serial in SerialText()
        from picks in Gen.ArrayOf(Gen.Choose(0, 3), serial.Length)
        select new LookAlikeSerial(serial, SubstituteLookAlikes(serial, picks)));

    public static Arbitrary<HiddenSerial> HiddenSerials() => Arb.From(
        from serial in SerialText()
        from useStar in Gen.Elements(true, false)
        from hide in Gen.ArrayOf(Gen.Elements(true, false, false), serial.Length)
        from start in Gen.Choose(0, serial.Length)
        from runLength in Gen.Choose(0, serial.Length - 3)
        select new HiddenSerial(serial, useStar ? HideRun(serial, start, runLength) : HideChars(serial, hide)));

    private static Gen<(char Kind, int Position, char Replacement)> Edit() =>
        from kind in Gen.Elements('s', 'i', 'd', 't')
        from position in Gen.Choose(0, 1000)
        from replacement in Gen.Elements(Alphabet.ToCharArray())
        select (kind, position, replacement);

    private static EditedSerial ApplyEdits(string serial, (char Kind, int Position, char Replacement)[] edits)
    {
        var text = serial;
        foreach (var (kind, position, replacement) in edits)
        {
            var at = text.Length == 0 ? 0 : position % text.Length;
            text = kind switch
            {
                's' when text.Length > 0 => text[..at] + replacement + text[(at + 1)..],
                'i' => text[..at] + replacement + text[at..],
                'd' when text.Length > 0 => text.Remove(at, 1),
                't' when text.Length > 1 => Transpose(text, Math.Min(at, text.Length - 2)),
                _ => text,
            };
        }

        return new EditedSerial(serial, text, string.Join(",", edits.Select(e => $"{e.Kind}{e.Position}{e.Replacement}")));

        static string Transpose(string s, int i) => s[..i] + s[i + 1] + s[i] + s[(i + 2)..];
    }

    private static string Respell(string serial, bool[] lower, int[] gaps)
    {
        var text = new System.Text.StringBuilder();
        for (var i = 0; i <= serial.Length; i++)
        {
            if (gaps[i] >= 0)
            {
                text.Append(Separators[gaps[i]]);
            }

            if (i < serial.Length)
            {
                text.Append(lower[i] ? char.ToLowerInvariant(serial[i]) : serial[i]);
            }
        }

        return text.ToString();
    }

    private static string SubstituteLookAlikes(string serial, int[] picks)
    {
        var chars = serial.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            var group = LookAlikeGroups.FirstOrDefault(g => g.Contains(chars[i], StringComparison.Ordinal));
            if (group is not null)
            {
                chars[i] = group[picks[i] % group.Length];
            }
        }

        return new string(chars);
    }

    private static string HideChars(string serial, bool[] hide)
    {
        var chars = serial.ToCharArray();
        var known = chars.Length;
        for (var i = 0; i < chars.Length && known > SerialPattern.MinimumKnownCharacters; i++)
        {
            if (hide[i])
            {
                chars[i] = '?';
                known--;
            }
        }

        return new string(chars);
    }

    private static string HideRun(string serial, int start, int runLength)
    {
        start = Math.Min(start, serial.Length);
        runLength = Math.Min(runLength, serial.Length - start);
        return serial[..start] + "*" + serial[(start + runLength)..];
    }
}
