using IArms.Core.Serials;

using FsProperty = FsCheck.NUnit.PropertyAttribute;

// FsCheck supplies the arguments of [FsProperty] methods; NUnit.Analyzers cannot see that.
#pragma warning disable NUnit1027

namespace IArms.Core.Tests.Serials;

public class SerialMatcherTests
{
    [Test]
    public void SearchQueryKeepsTheRawTextAndTheParsedForms()
    {
        Assert.That(SearchQuery.TryCreate(" ab 12-3? ", out var query, out var error), Is.True, error);
        Assert.That(query!.Raw, Is.EqualTo(" ab 12-3? "));
        Assert.That(query.Normalized, Is.EqualTo("AB123?"));
        Assert.That(query.Canonical, Is.EqualTo("A8123?"));
        Assert.That(query.HasWildcards, Is.True);
    }

    [Test]
    public void SearchQueryRejectsTooFewReadableCharacters()
    {
        Assert.That(SearchQuery.TryCreate("a-?-1", out var query, out var error), Is.False);
        Assert.That(query, Is.Null);
        Assert.That(error, Is.EqualTo("The serial number must contain at least 3 readable characters."));
    }

    [TestCase("AB123456", "AB123456", SerialMatchKind.Exact, 0)]
    [TestCase("  ab123456\t", "AB123456 ", SerialMatchKind.Exact, 0)]
    [TestCase("AB 123-456", "ab123456", SerialMatchKind.Normalized, 0)]
    [TestCase("ÀB123456", "AB-123456", SerialMatchKind.Normalized, 0)]
    [TestCase("A8I23456", "AB 123456", SerialMatchKind.Confusable, 0)]
    [TestCase("OQD-ILZSBG", "0 0 0-1 1 2 5 8 6", SerialMatchKind.Confusable, 0)]
    [TestCase("AB12*", "AB 123456", SerialMatchKind.Wildcard, 0)]
    [TestCase("A?1?3456", "AB123456", SerialMatchKind.Wildcard, 0)]
    [TestCase("*3456", "AB123456", SerialMatchKind.Wildcard, 0)]
    [TestCase("12345", "AB123456", SerialMatchKind.Partial, 3)]
    [TestCase("1Z34", "AB123456", SerialMatchKind.Partial, 4)]
    [TestCase("GLOCK AB123456", "AB123456", SerialMatchKind.Partial, 5)]
    [TestCase("AB123465", "AB123456", SerialMatchKind.Fuzzy, 1)]
    [TestCase("AB12356", "AB123456", SerialMatchKind.Fuzzy, 1)]
    [TestCase("BA123465", "AB123456", SerialMatchKind.Fuzzy, 2)]
    [TestCase("AB1X3Y56", "AB123456", SerialMatchKind.Fuzzy, 2)]
    [TestCase("AC13", "AC12", SerialMatchKind.Fuzzy, 1)]
    public void EachRuleMatches(string query, string serial, SerialMatchKind kind, int distance)
    {
        var match = Match(query, serial);
        Assert.That(match, Is.Not.Null);
        Assert.That(match!.Kind, Is.EqualTo(kind));
        Assert.That(match.Distance, Is.EqualTo(distance));
    }

    [TestCase("AB123456", "XY987654")]
    [TestCase("AB1", "AB123456")]
    [TestCase("AC1", "AC2")]
    [TestCase("AC1234", "CA1243")]
    [TestCase("AB12*", "XAB123")]
    [TestCase("AB1?", "AB1")]
    [TestCase("A?C1245", "AXC1254")]
    [TestCase("AB123456", "")]
    [TestCase("AB123456", null)]
    [TestCase("AB123456", "--//--")]
    public void UnrelatedSerialsDoNotMatch(string query, string? serial) =>
        Assert.That(Match(query, serial), Is.Null);

    [Test]
    public void ScoresDescendWithTheKind()
    {
        var matches = new[]
        {
            Match("AB123456", "AB123456"), Match("AB 123456", "AB123456"), Match("A8123456", "AB123456"),
            Match("AB123???", "AB123456"), Match("*3456", "AB123456"), Match("AB123456", "AB12345"),
            Match("1234567", "AB12345678"), Match("AB123465", "AB123456"), Match("BA123465", "AB123456"),
        };
        Assert.That(matches, Has.All.Not.Null);
        Assert.That(matches.Select(m => m!.Score), Is.Ordered.Descending);
        Assert.That(matches.Select(m => m!.Kind), Is.Ordered.Ascending);
        Assert.That(matches.Select(m => m!.Score), Has.All.InRange(0.0, 100.0));
        Assert.That(matches[0]!.Score, Is.EqualTo(100));
    }

    [Test]
    public void AttributesMoveTheScoreWithinTheKindsBand()
    {
        var fuzzy = Match("AB123465", "AB123456")!;
        var agreeing = SerialMatcher.WithAttributes(fuzzy, AttributeAgreement.Agrees, AttributeAgreement.Agrees, AttributeAgreement.NotGiven);
        var disagreeing = SerialMatcher.WithAttributes(fuzzy, AttributeAgreement.Disagrees, AttributeAgreement.NotGiven, AttributeAgreement.NotGiven);
        var allWrong = SerialMatcher.WithAttributes(fuzzy, AttributeAgreement.Disagrees, AttributeAgreement.Disagrees, AttributeAgreement.Disagrees);

        Assert.That(agreeing.Score, Is.EqualTo(fuzzy.Score + 4));
        Assert.That(disagreeing.Score, Is.EqualTo(fuzzy.Score - 4));
        Assert.That(agreeing.AttributesAgreeing, Is.EqualTo(2));
        Assert.That(disagreeing.AttributesDisagreeing, Is.EqualTo(1));

        var exact = SerialMatcher.WithAttributes(
            Match("AB123456", "AB123456")!, AttributeAgreement.Disagrees, AttributeAgreement.Disagrees, AttributeAgreement.Disagrees);
        var confusable = SerialMatcher.WithAttributes(
            Match("A8123456", "AB123456")!, AttributeAgreement.Agrees, AttributeAgreement.Agrees, AttributeAgreement.Agrees);
        Assert.That(exact.Score, Is.GreaterThan(confusable.Score), "a kind's band is never left");
        Assert.That(allWrong.Score, Is.GreaterThanOrEqualTo(30));
    }

    [Test]
    public void ApplyingAttributesAgainReplacesTheEarlierAdjustment()
    {
        var match = Match("AB123465", "AB123456")!;
        var once = SerialMatcher.WithAttributes(match, AttributeAgreement.Agrees, AttributeAgreement.NotGiven, AttributeAgreement.NotGiven);
        var twice = SerialMatcher.WithAttributes(once, AttributeAgreement.Agrees, AttributeAgreement.NotGiven, AttributeAgreement.NotGiven);
        var reset = SerialMatcher.WithAttributes(twice, AttributeAgreement.NotGiven, AttributeAgreement.NotGiven, AttributeAgreement.NotGiven);
        Assert.That(twice, Is.EqualTo(once));
        Assert.That(reset.Score, Is.EqualTo(match.Score));
    }

    [Test]
    public void RankOrdersByClosenessWithTheDescriptionThenKindThenAttributesThenDistanceThenScoreThenKey()
    {
        static SerialMatch With(SerialMatch m, AttributeAgreement make) =>
            SerialMatcher.WithAttributes(m, make, AttributeAgreement.NotGiven, AttributeAgreement.NotGiven);

        var fuzzy1 = Match("AB123465", "AB123456")!;
        var fuzzy2 = Match("BA123465", "AB123456")!;
        var results = new (string Id, SerialMatch Match)[]
        {
            ("f1-disagrees", With(fuzzy1, AttributeAgreement.Disagrees)),
            ("f2-agrees", With(fuzzy2, AttributeAgreement.Agrees)),
            ("f1-b", fuzzy1),
            ("f1-a", fuzzy1),
            ("f2", fuzzy2),
            ("partial-disagrees", With(Match("12345", "AB123456")!, AttributeAgreement.Disagrees)),
            ("exact", Match("AB123456", "AB123456")!),
        };

        var ranked = SerialMatcher.Rank(results, id => id).Select(r => r.Item);

        // Closeness in half edits: exact 0, f1 2, f2 and f2-agrees 4, f1-disagrees 2 + 3, partial-disagrees 6 + 3.
        Assert.That(ranked, Is.EqualTo(new[] { "exact", "f1-a", "f1-b", "f2-agrees", "f2", "f1-disagrees", "partial-disagrees" }));
    }

    [Test]
    public void CompareSortsMissingMatchesLast()
    {
        var match = Match("AB123465", "AB123456");
        Assert.That(SerialMatcher.Compare(match, null), Is.LessThan(0));
        Assert.That(SerialMatcher.Compare(null, match), Is.GreaterThan(0));
        Assert.That(SerialMatcher.Compare(null, null), Is.Zero);
    }

    [FsProperty(MaxTest = 500, Arbitrary = new[] { typeof(SerialGenerators) })]
    public bool ASerialFindsItselfExactly(Serial serial) =>
        Match(serial.Value, serial.Value) is { Kind: SerialMatchKind.Exact, Distance: 0, Score: 100 };

    [FsProperty(MaxTest = 500, Arbitrary = new[] { typeof(SerialGenerators) })]
    public bool CaseSpacingAndPunctuationNeverHideASerial(RespelledSerial respelled) =>
        Match(respelled.Query, respelled.Serial) is { Kind: <= SerialMatchKind.Confusable }
        && Match(respelled.Serial, respelled.Query) is { Kind: <= SerialMatchKind.Confusable };

    [FsProperty(MaxTest = 500, Arbitrary = new[] { typeof(SerialGenerators) })]
    public bool LookAlikeSubstitutionsNeverHideASerial(LookAlikeSerial lookAlike) =>
        Match(lookAlike.Query, lookAlike.Serial) is { Kind: <= SerialMatchKind.Confusable };

    [FsProperty(MaxTest = 1000, Arbitrary = new[] { typeof(SerialGenerators) })]
    public bool OneSubstitutionOrTranspositionNeverHidesASerial(SingleEdit edited) =>
        Match(edited.Query, edited.Serial) is { Kind: <= SerialMatchKind.Fuzzy, Distance: <= 1 };

    [FsProperty(MaxTest = 500, Arbitrary = new[] { typeof(SerialGenerators) })]
    public bool HidingCharactersGivesAWildcardMatch(HiddenSerial hidden) =>
        Match(hidden.Query, hidden.Serial) is { Kind: SerialMatchKind.Wildcard or SerialMatchKind.Exact };

    [FsProperty(MaxTest = 1000, Arbitrary = new[] { typeof(SerialGenerators) })]
    public bool FuzzyMatchesNeverExceedTheThreshold(EditedSerial edited)
    {
        if (!SearchQuery.TryCreate(edited.Query, out var query, out _))
        {
            return true;
        }

        var match = SerialMatcher.Match(query, edited.Serial);
        var longer = Math.Max(SerialNormalizer.Canonical(edited.Query).Length, edited.Serial.Length);
        return match is null
            || (match.Score is >= 0 and <= 100
                && (match.Kind != SerialMatchKind.Fuzzy || match.Distance <= DamerauLevenshtein.FuzzyThreshold(longer)));
    }

    private static SerialMatch? Match(string query, string? serial)
    {
        Assert.That(SearchQuery.TryCreate(query, out var parsed, out var error), Is.True, error);
        return SerialMatcher.Match(parsed!, serial);
    }
}
