using FsCheck;
using FsCheck.Fluent;
using IArms.Core.Serials;

using FsProperty = FsCheck.NUnit.PropertyAttribute;

// FsCheck supplies the arguments of [FsProperty] methods; NUnit.Analyzers cannot see that.
#pragma warning disable NUnit1027

namespace IArms.Core.Tests.Serials;

/// <summary>A serial and a copy with two adjacent, different characters swapped.</summary>
public sealed record TransposedSerial(string Serial, string Transposed)
{
    public override string ToString() => $"{Serial} <-> {Transposed}";
}

/// <summary>A verified match as the ranking sees it: kind, distance and how it fits the description.</summary>
public sealed record RankedMatch(SerialMatch Match)
{
    public override string ToString() => $"{Match.Kind} d{Match.Distance} +{Match.AttributesAgreeing} -{Match.AttributesDisagreeing}";
}

public static class StopRuleGenerators
{
    public static Arbitrary<TransposedSerial> TransposedSerials() => Arb.From(
        from serial in SerialGenerators.SerialText(minLength: 4, maxLength: 14)
        from at in Gen.Choose(0, serial.Length - 2)
        let transposed = serial[..at] + serial[at + 1] + serial[at] + serial[(at + 2)..]
        where SerialNormalizer.Canonical(transposed) != SerialNormalizer.Canonical(serial)
        select new TransposedSerial(serial, transposed));

    public static Arbitrary<RankedMatch> RankedMatches() => Arb.From(
        from kind in Gen.Elements(Enum.GetValues<SerialMatchKind>())
        from distance in kind is SerialMatchKind.Fuzzy or SerialMatchKind.Partial ? Gen.Choose(1, 4) : Gen.Constant(0)
        from agreeing in Gen.Choose(0, 3)
        from disagreeing in Gen.Choose(0, 3 - agreeing)
        select new RankedMatch(new SerialMatch(kind, distance, 50) { AttributesAgreeing = agreeing, AttributesDisagreeing = disagreeing }));
}

/// <summary>The stop rule and the ranking of matches against the officer's description (issue 12).</summary>
public class SearchStopRuleTests
{
    private static readonly SerialMatch Exact = new(SerialMatchKind.Exact, 0, 100);
    private static readonly SerialMatch Fuzzy1 = new(SerialMatchKind.Fuzzy, 1, 50);

    private static SerialMatch Make(SerialMatch match, AttributeAgreement make) =>
        SerialMatcher.WithAttributes(match, make, AttributeAgreement.NotGiven, AttributeAgreement.NotGiven);

    [Test]
    public void WithoutADescriptionAnyMatchEndsTheSearch() =>
        Assert.That(SerialMatcher.EndsSearch([Exact]), Is.True);

    [Test]
    public void NothingFoundDoesNotEndTheSearch() =>
        Assert.That(SerialMatcher.EndsSearch([]), Is.False);

    [Test]
    public void AnExactSerialOfAnotherMakeDoesNotEndTheSearch() =>
        Assert.That(SerialMatcher.EndsSearch([Make(Exact, AttributeAgreement.Disagrees)]), Is.False);

    [Test]
    public void AnExactSerialThatFitsTheDescriptionEndsTheSearchWhateverElseWasFound() =>
        Assert.That(SerialMatcher.EndsSearch([Make(Exact, AttributeAgreement.Disagrees), Make(Exact, AttributeAgreement.Agrees)]), Is.True);

    [Test]
    public void AMatchThatContradictsOneDescriptorOfThreeDoesNotEndTheSearch()
    {
        var oneWrong = SerialMatcher.WithAttributes(Exact, AttributeAgreement.Agrees, AttributeAgreement.Agrees, AttributeAgreement.Disagrees);
        Assert.That(SerialMatcher.EndsSearch([oneWrong]), Is.False);
    }

    [TestCase(null, null, "Glock", "Glock", AttributeAgreement.NotGiven)]
    [TestCase("  ", null, "Glock", "Glock", AttributeAgreement.NotGiven)]
    [TestCase("Glock GmbH", "Glock", "GLOCK", "Glock", AttributeAgreement.Agrees)]
    [TestCase("Baretta", "Beretta", "Glock", "Glock", AttributeAgreement.Disagrees)]
    [TestCase("acme arms", null, " ACME Arms ", null, AttributeAgreement.Agrees)]
    [TestCase("acme arms", null, "Acme Guns", null, AttributeAgreement.Disagrees)]
    [TestCase("9x19mm", "9x19mm", "", null, AttributeAgreement.Disagrees)]
    public void ADescriptorAgreesThroughTheReferenceTableOrItsText(string? asked, string? askedCanonical, string recorded, string? recordedCanonical, AttributeAgreement expected) =>
        Assert.That(SerialMatcher.Agreement(asked, askedCanonical, recorded, recordedCanonical), Is.EqualTo(expected));

    [Test]
    public void TheRightMakeTwoCharactersSwappedOutranksAnExactSerialOfAnotherMake()
    {
        var otherMaker = Make(Exact, AttributeAgreement.Disagrees);
        var officersWeapon = Make(Fuzzy1, AttributeAgreement.Agrees);
        Assert.That(SerialMatcher.Compare(officersWeapon, otherMaker), Is.LessThan(0));
    }

    [Test]
    public void TwoEditsApartTheCloserSerialWinsOverOneContradiction()
    {
        var closer = Make(Exact, AttributeAgreement.Disagrees);
        var fartherButFits = Make(new SerialMatch(SerialMatchKind.Fuzzy, 2, 40), AttributeAgreement.Agrees);
        Assert.That(SerialMatcher.Compare(closer, fartherButFits), Is.LessThan(0));
    }

    [FsProperty(MaxTest = 1000, Arbitrary = new[] { typeof(StopRuleGenerators) })]
    public bool AgreementOutranksClosenessWhereDistancesAreEqualOrOneApart(RankedMatch a, RankedMatch b)
    {
        var (x, y) = (a.Match, b.Match);
        if (Math.Abs(x.Distance - y.Distance) > 1 || x.AttributesDisagreeing == y.AttributesDisagreeing)
        {
            return true;
        }
        var fits = x.AttributesDisagreeing < y.AttributesDisagreeing ? x : y;
        var other = ReferenceEquals(fits, x) ? y : x;
        return SerialMatcher.Compare(fits, other) < 0 && SerialMatcher.Compare(other, fits) > 0;
    }

    [FsProperty(MaxTest = 1000, Arbitrary = new[] { typeof(StopRuleGenerators) })]
    public bool TheOrderIsTotalAndTransitive(RankedMatch a, RankedMatch b, RankedMatch c)
    {
        int Sign(SerialMatch p, SerialMatch q) => Math.Sign(SerialMatcher.Compare(p, q));
        var (x, y, z) = (a.Match, b.Match, c.Match);
        var antisymmetric = Sign(x, y) == -Sign(y, x);
        var transitive = !(Sign(x, y) <= 0 && Sign(y, z) <= 0) || Sign(x, z) <= 0;
        return antisymmetric && transitive;
    }

    /// <summary>
    /// Issue 12's collision: the register holds the officer's weapon (make given) and another maker's weapon whose
    /// serial is the officer's with two characters swapped; the officer types the other one's serial.
    /// </summary>
    [FsProperty(MaxTest = 500, Arbitrary = new[] { typeof(StopRuleGenerators) })]
    public bool AnotherMakersExactSerialNeitherEndsTheSearchNorOutranksTheTransposedRecordOfTheRightMake(TransposedSerial pair)
    {
        Assert.That(SearchQuery.TryCreate(pair.Transposed, out var query, out var error), Is.True, error);
        var other = SerialMatcher.Match(query!, pair.Transposed);
        var officers = SerialMatcher.Match(query!, pair.Serial);
        if (other is null || officers is null)
        {
            return false;
        }
        var otherMaker = Make(other, AttributeAgreement.Disagrees);
        var rightMaker = Make(officers, AttributeAgreement.Agrees);
        return !SerialMatcher.EndsSearch([otherMaker])
            && SerialMatcher.EndsSearch([otherMaker, rightMaker])
            && SerialMatcher.Compare(rightMaker, otherMaker) < 0;
    }
}
