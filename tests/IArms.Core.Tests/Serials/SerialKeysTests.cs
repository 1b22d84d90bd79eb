using IArms.Core.Serials;

using FsProperty = FsCheck.NUnit.PropertyAttribute;

// FsCheck supplies the arguments of [FsProperty] methods; NUnit.Analyzers cannot see that.
#pragma warning disable NUnit1027

namespace IArms.Core.Tests.Serials;

public class SerialKeysTests
{
    [Test]
    public void ForSerialStoresPaddedTrigramsAndTheDeletionNeighbourhood()
    {
        var keys = SerialKeys.ForSerial("A8123456");
        var trigrams = keys.Where(SerialKeys.IsTrigramKey).ToList();
        var deletions = keys.Where(SerialKeys.IsDeletionKey).ToList();

        Assert.That(keys, Is.Unique);
        Assert.That(trigrams, Is.EquivalentTo(new[]
        {
            SerialKeys.TrigramKey('^', 'A', '8'), SerialKeys.TrigramKey('A', '8', '1'),
            SerialKeys.TrigramKey('8', '1', '2'), SerialKeys.TrigramKey('1', '2', '3'),
            SerialKeys.TrigramKey('2', '3', '4'), SerialKeys.TrigramKey('3', '4', '5'),
            SerialKeys.TrigramKey('4', '5', '6'), SerialKeys.TrigramKey('5', '6', '$'),
        }));
        Assert.That(deletions, Is.EquivalentTo(new[]
        {
            SerialKeys.DeletionKey("A8123456", -1), SerialKeys.DeletionKey("8123456", -1), SerialKeys.DeletionKey("A123456", -1),
            SerialKeys.DeletionKey("A823456", -1), SerialKeys.DeletionKey("A813456", -1), SerialKeys.DeletionKey("A812456", -1),
            SerialKeys.DeletionKey("A812356", -1), SerialKeys.DeletionKey("A812346", -1), SerialKeys.DeletionKey("A812345", -1),
        }));
        Assert.That(trigrams.Count + deletions.Count, Is.EqualTo(keys.Count));
    }

    [Test]
    public void KeyRangesAreDisjointAndNonNegative()
    {
        var keys = SerialKeys.ForSerial("XY0123456789AC");
        Assert.That(keys, Has.All.GreaterThanOrEqualTo(0L));
        Assert.That(keys.Where(SerialKeys.IsTrigramKey), Has.All.LessThan(SerialKeys.TrigramKeyLimit));
        Assert.That(keys.Where(k => SerialKeys.IsTrigramKey(k) && SerialKeys.IsDeletionKey(k)), Is.Empty);
        Assert.That(keys.Where(k => !SerialKeys.IsTrigramKey(k) && !SerialKeys.IsDeletionKey(k)), Is.Empty);
    }

    [Test]
    public void RepeatedTrigramsAreStoredOnce()
    {
        var keys = SerialKeys.ForSerial("1111111");
        Assert.That(keys, Is.Unique);
        Assert.That(keys.Count(SerialKeys.IsTrigramKey), Is.EqualTo(3)); // ^11, 111, 11$
    }

    [TestCase("", 0)]
    [TestCase("A", 1)]
    [TestCase("A81", 3)]
    public void ShortSerialsGetTrigramsOnly(string canonical, int expected)
    {
        var keys = SerialKeys.ForSerial(canonical);
        Assert.That(keys, Has.Count.EqualTo(expected));
        Assert.That(keys, Has.All.Matches<long>(SerialKeys.IsTrigramKey));
    }

    [Test]
    public void KeysPerSerialStaySmall()
    {
        for (var length = 4; length <= 14; length++)
        {
            Assert.That(SerialKeys.ForSerial(Serial(length)), Has.Count.LessThanOrEqualTo((2 * length) + 1));
        }
    }

    [Test]
    public void KeysPerFuzzyQueryStayBounded()
    {
        for (var length = 0; length <= 16; length++)
        {
            var one = SerialKeys.ForFuzzy(Serial(length), 1);
            Assert.That(one, Has.Count.LessThanOrEqualTo(length + 1));
            var two = SerialKeys.ForFuzzy(Serial(length), 2);
            Assert.That(two, Has.Count.LessThanOrEqualTo(30 * (length + 1) * (length + 1)));
            Assert.That(two, Has.All.Matches<long>(SerialKeys.IsDeletionKey));
        }
    }

    [Test]
    public void FuzzyQueriesTooShortForAnyIndexedSerialGetNoKeys() =>
        Assert.That(SerialKeys.ForFuzzy("A8"), Is.Empty.Or.All.Matches<long>(SerialKeys.IsDeletionKey));

    [Test]
    public void ForFuzzyRejectsDistancesTheSchemeDoesNotCover() =>
        Assert.That(() => SerialKeys.ForFuzzy("A8123456", 3), Throws.InstanceOf<ArgumentOutOfRangeException>());

    [Test]
    public void ForPatternUsesAnchorsOnlyWhereThePatternIsAnchored()
    {
        Assert.That(Pattern("AB12*"), Is.EquivalentTo(new[]
        {
            SerialKeys.TrigramKey('^', 'A', '8'), SerialKeys.TrigramKey('A', '8', '1'), SerialKeys.TrigramKey('8', '1', '2'),
        }));
        Assert.That(Pattern("*3456"), Is.EquivalentTo(new[]
        {
            SerialKeys.TrigramKey('3', '4', '5'), SerialKeys.TrigramKey('4', '5', '6'), SerialKeys.TrigramKey('5', '6', '$'),
        }));
        Assert.That(Pattern("?A12?"), Is.EquivalentTo(new[] { SerialKeys.TrigramKey('A', '1', '2') }));
    }

    [TestCase("*A?C?E*")]
    [TestCase("A?C?E")]
    [TestCase("*AC*EF*HJ*")]
    public void ForPatternMayBeEmptyWhenNoThreeKnownCharactersAreAdjacent(string query) =>
        Assert.That(Pattern(query), Is.Empty);

    [Test]
    public void ForPartialUsesTheQueryTrigramsWithoutAnchors() =>
        Assert.That(SerialKeys.ForPartial("12345"), Is.EquivalentTo(new[]
        {
            SerialKeys.TrigramKey('1', '2', '3'), SerialKeys.TrigramKey('2', '3', '4'), SerialKeys.TrigramKey('3', '4', '5'),
        }));

    [TestCase("A8")]
    [TestCase("")]
    public void ForPartialOfAShortQueryIsEmpty(string query) => Assert.That(SerialKeys.ForPartial(query), Is.Empty);

    [Test]
    public void DeletionKeysDependOnlyOnTheStringLeft()
    {
        Assert.That(SerialKeys.DeletionKey("A8X1", 2), Is.EqualTo(SerialKeys.DeletionKey("A81", -1)));
        Assert.That(new[] { SerialKeys.DeletionKey("A81", -1), SerialKeys.DeletionKey("18A", -1), SerialKeys.DeletionKey("A8", -1) }, Is.Unique);
    }

    [FsProperty(MaxTest = 2000, Arbitrary = new[] { typeof(SerialGenerators) })]
    public bool FuzzyIndexFindsEverySerialWithinDistanceTwo(EditedSerial edited)
    {
        var s = SerialNormalizer.Canonical(edited.Serial);
        var q = SerialNormalizer.Canonical(edited.Query);
        return DamerauLevenshtein.Distance(s, q, 2) > 2 || Intersects(SerialKeys.ForSerial(s), SerialKeys.ForFuzzy(q));
    }

    [FsProperty(MaxTest = 1000, Arbitrary = new[] { typeof(SerialGenerators) })]
    public bool FuzzyIndexWithDistanceOneFindsEverySerialWithinDistanceOne(EditedSerial edited)
    {
        var s = SerialNormalizer.Canonical(edited.Serial);
        var q = SerialNormalizer.Canonical(edited.Query);
        return DamerauLevenshtein.Distance(s, q, 1) > 1 || Intersects(SerialKeys.ForSerial(s), SerialKeys.ForFuzzy(q, 1));
    }

    /// <summary>
    /// Exhaustive version of the property over a tiny alphabet, where repeated characters and
    /// transpositions across segment boundaries are the rule rather than the exception.
    /// </summary>
    [TestCase("AC1", 4, 6)]
    [TestCase("A1", 7, 10)]
    public void FuzzyIndexIsCompleteOnEverySmallSerial(string alphabet, int minLength, int maxLength)
    {
        var queryKeys = new Dictionary<string, HashSet<long>>();
        var checkedPairs = 0;
        foreach (var s in AllStrings(alphabet, minLength, maxLength))
        {
            var stored = SerialKeys.ForSerial(s);
            foreach (var q in Neighbours(Neighbours([s], alphabet), alphabet))
            {
                if (DamerauLevenshtein.Distance(s, q, 2) > 2)
                {
                    continue;
                }

                if (!queryKeys.TryGetValue(q, out var keys))
                {
                    queryKeys[q] = keys = [.. SerialKeys.ForFuzzy(q)];
                }

                checkedPairs++;
                if (!stored.Any(keys.Contains))
                {
                    Assert.Fail($"serial {s} is not found by query {q}");
                }
            }
        }

        Assert.That(checkedPairs, Is.GreaterThan(10_000));
    }

    [FsProperty(MaxTest = 1000, Arbitrary = new[] { typeof(SerialGenerators) })]
    public bool PatternKeysAreAllStoredForEveryMatchingSerial(HiddenSerial hidden)
    {
        SerialPattern.TryParse(hidden.Query, out var pattern, out _);
        var s = SerialNormalizer.Canonical(hidden.Serial);
        var stored = SerialKeys.ForSerial(s);
        return !pattern!.Matches(s) || SerialKeys.ForPattern(pattern).All(stored.Contains);
    }

    [FsProperty(MaxTest = 500, Arbitrary = new[] { typeof(SerialGenerators) })]
    public bool PartialKeysAreAllStoredForEverySerialContainingTheQuery(Serial serial, int from, int length)
    {
        var s = SerialNormalizer.Canonical(serial.Value);
        var start = Math.Abs(from % s.Length);
        var part = s.Substring(start, Math.Abs(length % (s.Length - start + 1)));
        var stored = SerialKeys.ForSerial(s);
        return SerialKeys.ForPartial(part).All(stored.Contains);
    }

    private static bool Intersects(IReadOnlyList<long> stored, IReadOnlyList<long> lookedUp) => stored.Any(lookedUp.Contains);

    private static IReadOnlyList<long> Pattern(string query)
    {
        Assert.That(SerialPattern.TryParse(query, out var pattern, out var error), Is.True, error);
        return SerialKeys.ForPattern(pattern!);
    }

    private static string Serial(int length) =>
        string.Concat(Enumerable.Range(0, length).Select(i => SerialNormalizer.CanonicalAlphabet[(i * 7) % SerialNormalizer.CanonicalAlphabet.Length]));

    private static IEnumerable<string> AllStrings(string alphabet, int minLength, int maxLength)
    {
        IEnumerable<string> level = [""];
        for (var length = 1; length <= maxLength; length++)
        {
            level = level.SelectMany(prefix => alphabet.Select(c => prefix + c)).ToList();
            if (length >= minLength)
            {
                foreach (var s in level)
                {
                    yield return s;
                }
            }
        }
    }

    /// <summary>The strings themselves and every string one edit away from one of them.</summary>
    private static HashSet<string> Neighbours(IEnumerable<string> strings, string alphabet)
    {
        var result = new HashSet<string>();
        foreach (var s in strings)
        {
            result.Add(s);
            for (var i = 0; i <= s.Length; i++)
            {
                foreach (var c in alphabet)
                {
                    result.Add(s.Insert(i, c.ToString()));
                    if (i < s.Length)
                    {
                        result.Add(s[..i] + c + s[(i + 1)..]);
                    }
                }

                if (i < s.Length)
                {
                    result.Add(s.Remove(i, 1));
                }

                if (i + 1 < s.Length)
                {
                    result.Add(s[..i] + s[i + 1] + s[i] + s[(i + 2)..]);
                }
            }
        }

        return result;
    }
}

public class UnreadableCharacterKeysTests
{
    [TestCase("AB?23456", 1)]
    [TestCase("AB?23?56", 27)]
    [TestCase("?B?2?456", 729)]
    public void AFixedLengthPatternGetsOneKeyPerCombinationOfItsOtherUnknowns(string pattern, int expected) =>
        Assert.That(SerialKeys.ForUnreadable(Parse(pattern)), Has.Count.EqualTo(expected));

    [TestCase("AB*456")]
    [TestCase("A??4??6")]
    [TestCase("AC1")]
    public void OtherPatternsAreLeftToTheTrigrams(string pattern) =>
        Assert.That(SerialKeys.ForUnreadable(Parse(pattern)), Is.Null);

    [Test]
    public void EveryMatchingSerialHoldsOneOfTheKeys()
    {
        var random = new Random(7);
        var alphabet = SerialNormalizer.CanonicalAlphabet;
        for (var run = 0; run < 3000; run++)
        {
            var serial = new string(Enumerable.Range(0, random.Next(4, 15)).Select(_ => alphabet[random.Next(alphabet.Length)]).ToArray());
            var chars = serial.ToCharArray();
            foreach (var position in Enumerable.Range(0, random.Next(1, 4)).Select(_ => random.Next(chars.Length)))
            {
                chars[position] = '?';
            }
            if (!SerialPattern.TryParse(new string(chars), out var pattern, out _))
            {
                continue; // fewer than three readable characters: refused before any lookup
            }
            Assert.That(pattern!.Matches(serial), Is.True);
            var keys = SerialKeys.ForUnreadable(pattern);
            Assert.That(keys, Is.Not.Null);
            Assert.That(keys!.Intersect(SerialKeys.ForSerial(serial)), Is.Not.Empty, $"{serial} ~ {pattern.Canonical}");
        }
    }

    private static SerialPattern Parse(string raw)
    {
        Assert.That(SerialPattern.TryParse(raw, out var pattern, out var error), Is.True, error);
        return pattern!;
    }
}
