using IArms.Core.Serials;

using FsProperty = FsCheck.NUnit.PropertyAttribute;

// FsCheck supplies the arguments of [FsProperty] methods; NUnit.Analyzers cannot see that.
#pragma warning disable NUnit1027

namespace IArms.Core.Tests.Serials;

public class SerialNormalizerTests
{
    [TestCase("AB 123-456", "AB123456")]
    [TestCase("  ab/123.456 ", "AB123456")]
    [TestCase("Nº 12_34", "N1234")]
    [TestCase("ÖSTERREICH-Ä1", "OSTERREICHA1")]
    [TestCase("Łódź 9", "LODZ9")]
    [TestCase("Ø12é", "O12E")]
    [TestCase("ＡＢ１２３", "AB123")]
    [TestCase("АК-47", "AK47")]
    [TestCase("ΑΒ 12", "AB12")]
    [TestCase("ß€™©", "")]
    [TestCase("", "")]
    [TestCase(null, "")]
    public void NormalizeKeepsOnlyUpperCaseAsciiLettersAndDigits(string? raw, string expected) =>
        Assert.That(SerialNormalizer.Normalize(raw), Is.EqualTo(expected));

    [Test]
    public void NormalizeReturnsTheSameInstanceWhenNothingChanges()
    {
        var serial = "AB123456";
        Assert.That(SerialNormalizer.Normalize(serial), Is.SameAs(serial));
    }

    [Test]
    public void NormalizeHandlesInputLongerThanTheStackBuffer()
    {
        var raw = string.Concat(Enumerable.Repeat("ab-1 ", 200));
        Assert.That(SerialNormalizer.Normalize(raw), Is.EqualTo(string.Concat(Enumerable.Repeat("AB1", 200))));
    }

    [Test]
    public void FoldTablesCoverTheirWholeUnicodeBlocks()
    {
        Assert.That(SerialNormalizer.Latin1FoldLength, Is.EqualTo(0x100 - 0xC0));
        Assert.That(SerialNormalizer.LatinExtendedAFoldLength, Is.EqualTo(0x180 - 0x100));
    }

    [TestCase('O', '0')]
    [TestCase('Q', '0')]
    [TestCase('D', '0')]
    [TestCase('I', '1')]
    [TestCase('L', '1')]
    [TestCase('Z', '2')]
    [TestCase('S', '5')]
    [TestCase('B', '8')]
    [TestCase('G', '6')]
    public void CanonicalizeFoldsEachLookAlike(char letter, char digit) =>
        Assert.That(SerialNormalizer.Canonicalize($"X{letter}{digit}"), Is.EqualTo($"X{digit}{digit}"));

    [Test]
    public void CanonicalizeLeavesEveryOtherCharacterAlone()
    {
        const string others = "0123456789ACEFHJKMNPRTUVWXY";
        Assert.That(SerialNormalizer.Canonicalize(others), Is.SameAs(others));
        Assert.That(SerialNormalizer.CanonicalAlphabet, Is.EqualTo(others));
    }

    [TestCase("SIG-Sauer 0B12", "5165AUER0812")]
    [TestCase("gl0ck 17 / dQ", "61 0CK1700")]
    public void CanonicalIsNormalizeThenCanonicalize(string raw, string expected) =>
        Assert.That(SerialNormalizer.Canonical(raw), Is.EqualTo(expected.Replace(" ", "", StringComparison.Ordinal)));

    [FsProperty(MaxTest = 500)]
    public bool NormalizeIsIdempotent(string? raw)
    {
        var once = SerialNormalizer.Normalize(raw);
        return SerialNormalizer.Normalize(once) == once && once.All(c => c is >= 'A' and <= 'Z' or >= '0' and <= '9');
    }

    [FsProperty(MaxTest = 500)]
    public bool CanonicalIsIdempotentAndUsesTheCanonicalAlphabet(string? raw)
    {
        var once = SerialNormalizer.Canonical(raw);
        return SerialNormalizer.Canonical(once) == once
            && SerialNormalizer.Canonicalize(once) == once
            && once.All(c => SerialNormalizer.CanonicalAlphabet.Contains(c, StringComparison.Ordinal));
    }

    [FsProperty(MaxTest = 500, Arbitrary = new[] { typeof(SerialGenerators) })]
    public bool LookAlikeSubstitutionsShareOneCanonicalForm(LookAlikeSerial pair) =>
        SerialNormalizer.Canonical(pair.Query) == SerialNormalizer.Canonical(pair.Serial);
}
