using IArms.Core.Serials;

using FsProperty = FsCheck.NUnit.PropertyAttribute;

// FsCheck supplies the arguments of [FsProperty] methods; NUnit.Analyzers cannot see that.
#pragma warning disable NUnit1027

namespace IArms.Core.Tests.Serials;

public class SerialPatternTests
{
    [Test]
    public void TryParseKeepsWildcardsAndNormalisesTheRest()
    {
        Assert.That(SerialPattern.TryParse("ab ?12-*", out var pattern, out var error), Is.True);
        Assert.That(error, Is.Null);
        Assert.That(pattern!.Normalized, Is.EqualTo("AB?12*"));
        Assert.That(pattern.Canonical, Is.EqualTo("A8?12*"));
        Assert.That(pattern.KnownCharacters, Is.EqualTo(4));
        Assert.That(pattern.HasWildcards, Is.True);
        Assert.That(pattern.IsFixedLength, Is.False);
        Assert.That(pattern.MinimumLength, Is.EqualTo(5));
    }

    [Test]
    public void ConsecutiveStarsCollapseEvenAcrossSpacing()
    {
        Assert.That(SerialPattern.TryParse("A** *B*-*C", out var pattern, out _), Is.True);
        Assert.That(pattern!.Normalized, Is.EqualTo("A*B*C"));
    }

    [Test]
    public void APlainSerialIsAFixedLengthPatternWithoutWildcards()
    {
        Assert.That(SerialPattern.TryParse("AB123", out var pattern, out _), Is.True);
        Assert.That(pattern!.HasWildcards, Is.False);
        Assert.That(pattern.IsFixedLength, Is.True);
        Assert.That(pattern.KnownCharacters, Is.EqualTo(5));
    }

    [TestCase(null)]
    [TestCase("")]
    [TestCase("   ")]
    [TestCase("A?B")]
    [TestCase("A*B*")]
    [TestCase("-a-b-")]
    [TestCase("??????")]
    public void FewerThanThreeReadableCharactersAreRejected(string? raw)
    {
        Assert.That(SerialPattern.TryParse(raw, out var pattern, out var error), Is.False);
        Assert.That(pattern, Is.Null);
        Assert.That(error, Is.EqualTo("The serial number must contain at least 3 readable characters."));
    }

    [Test]
    public void MoreThanSixtyFourCharactersAreRejectedButSpacingDoesNotCount()
    {
        Assert.That(SerialPattern.TryParse(new string('A', 65), out _, out var error), Is.False);
        Assert.That(error, Is.EqualTo(SerialPattern.TooLongError));
        Assert.That(SerialPattern.TryParse(new string('A', 64), out _, out _), Is.True);
        Assert.That(SerialPattern.TryParse(string.Join(" ", Enumerable.Repeat("AB", 32)), out var spaced, out _), Is.True);
        Assert.That(spaced!.Normalized, Has.Length.EqualTo(64));
    }

    [TestCase("AB?123", "A81234", false)]
    [TestCase("AB?123", "A8X123", true)]
    [TestCase("AB1*", "A81", true)]
    [TestCase("AB1*", "A8123", true)]
    [TestCase("*123", "XY123", true)]
    [TestCase("*123", "XY1234", false)]
    [TestCase("A*1*3", "A9193", true)]
    [TestCase("A*1*3", "A91934", false)]
    [TestCase("??123", "AB123", true)]
    [TestCase("??123", "A123", false)]
    [TestCase("*AB*12*", "XXA8YY12ZZ", true)]
    [TestCase("*AB*12*", "XX12YYA8", false)]
    [TestCase("0B1*", "OB1", false)]
    public void MatchesTheWholeCanonicalSerial(string query, string canonicalSerial, bool expected)
    {
        Assert.That(SerialPattern.TryParse(query, out var pattern, out _), Is.True);
        Assert.That(pattern!.Matches(canonicalSerial), Is.EqualTo(expected));
    }

    [Test]
    public void MatchesIsFalseForNull()
    {
        Assert.That(SerialPattern.TryParse("AB1*", out var pattern, out _), Is.True);
        Assert.That(pattern!.Matches(null), Is.False);
    }

    [FsProperty(MaxTest = 500, Arbitrary = new[] { typeof(SerialGenerators) })]
    public bool HidingCharactersKeepsTheSerialMatched(HiddenSerial hidden) =>
        SerialPattern.TryParse(hidden.Query, out var pattern, out _)
        && pattern.Matches(SerialNormalizer.Canonical(hidden.Serial));

    [FsProperty(MaxTest = 500, Arbitrary = new[] { typeof(SerialGenerators) })]
    public bool GlobMatchAgreesWithARegularExpression(HiddenSerial hidden, Serial other)
    {
        SerialPattern.TryParse(hidden.Query, out var pattern, out _);
        var regex = "^" + pattern!.Canonical.Replace("?", ".", StringComparison.Ordinal).Replace("*", ".*", StringComparison.Ordinal) + "$";
        var candidates = new[] { SerialNormalizer.Canonical(hidden.Serial), SerialNormalizer.Canonical(other.Value) };
        return candidates.All(c => pattern.Matches(c) == System.Text.RegularExpressions.Regex.IsMatch(c, regex));
    }
}
