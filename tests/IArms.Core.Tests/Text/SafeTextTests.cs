using IArms.Core;

namespace IArms.Core.Tests.Text;

public class SafeTextTests
{
    [TestCase("AB 123-456")]
    [TestCase("Łódź, ul. Piotrkowska 12")]
    [TestCase("АК-47 № 12")]
    [TestCase("9×19 mm")]
    [TestCase("𝔸𝔹123")]
    [TestCase("")]
    public void VisibleTextIsASafeIdentifier(string text) =>
        Assert.That(SafeText.IndexOfForbidden(text, TextKind.Identifier), Is.EqualTo(-1));

    [TestCase("AB\u001b[31m123", 2)]
    [TestCase("AB\u0000123", 2)]
    [TestCase("AB\u007f", 2)]
    [TestCase("AB\u0085", 2)]
    [TestCase("AB\u009b2J", 2)]
    [TestCase("\u202eAB123", 0)]
    [TestCase("AB\u202a1", 2)]
    [TestCase("AB\u2066\u2069", 2)]
    [TestCase("AB\u200b123", 2)]
    [TestCase("\ufeffAB", 0)]
    [TestCase("AB\u00ad12", 2)]
    [TestCase("AB\n12", 2)]
    [TestCase("AB\t12", 2)]
    [TestCase("AB\u2028", 2)]
    [TestCase("AB\U000E0041", 2)]
    public void ControlAndFormatCharactersAreRefusedInIdentifiers(string text, int at) =>
        Assert.That(SafeText.IndexOfForbidden(text, TextKind.Identifier), Is.EqualTo(at));

    [TestCase("Seized at the border.\r\nSecond line\tand a tab.")]
    [TestCase("می\u200cخواهم")]
    public void FreeTextKeepsLineBreaksTabsAndJoiners(string text) =>
        Assert.That(SafeText.IsSafe(text, TextKind.FreeText), Is.True);

    [TestCase("line\u001b[2J")]
    [TestCase("line\u202e")]
    [TestCase("line\u000b")]
    [TestCase("line\u2029")]
    public void FreeTextRefusesEveryOtherControlOrFormatCharacter(string text) =>
        Assert.That(SafeText.IsSafe(text, TextKind.FreeText), Is.False);

    [Test]
    public void TheFirstForbiddenCharacterIsNamedByItsCodePoint()
    {
        Assert.That(SafeText.DescribeForbidden("AB\u202e1", TextKind.Identifier), Is.EqualTo("U+202E"));
        Assert.That(SafeText.DescribeForbidden("AB\U000E0041", TextKind.Identifier), Is.EqualTo("U+E0041"));
        // A lone surrogate cannot sit in an attribute argument (it becomes U+FFFD there), so it is tested here.
        Assert.That(SafeText.DescribeForbidden("AB\ud800", TextKind.Identifier), Is.EqualTo("U+D800"));
        Assert.That(SafeText.DescribeForbidden("AB", TextKind.Identifier), Is.Null);
        Assert.That(SafeText.DescribeForbidden(null, TextKind.Identifier), Is.Null);
    }
}
