using System.Globalization;
using IArms.Core;

namespace IArms.Core.Tests.Text;

public class NfcTests
{
    [TestCase("Mu\u0308nchen", "M\u00fcnchen")]
    [TestCase("Cafe\u0301", "Caf\u00e9")]
    [TestCase("\u212b", "\u00c5")]
    [TestCase("\u2126", "\u03a9")]
    [TestCase("a\u0301\u0328", "\u0105\u0301")]
    [TestCase("\u1100\u1161\u11a8", "\uac01")]
    [TestCase("\u0344", "\u0308\u0301")]
    [TestCase("\ufb01", "\ufb01")]
    [TestCase("AB 123-456", "AB 123-456")]
    [TestCase("", "")]
    public void NormalizeComposesWhatCanonicalEquivalenceAllows(string text, string expected) =>
        Assert.That(Nfc.Normalize(text), Is.EqualTo(expected));

    [Test]
    public void TextAlreadyInFormCIsReturnedAsTheSameInstance()
    {
        var latin = "Łódź, ul. Piotrkowska 12";
        var ascii = "AB 123-456";

        Assert.That(Nfc.Normalize(latin), Is.SameAs(latin));
        Assert.That(Nfc.Normalize(ascii), Is.SameAs(ascii));
    }

    [Test]
    public void IllFormedTextIsReturnedUnchangedForTheValidatorsToRefuse() =>
        Assert.That(Nfc.Normalize("e\u0301\ud800"), Is.EqualTo("e\u0301\ud800"));

    [Test]
    public void EveryVectorOfTheUnicodeDataMatchesSoTheHostNormalisesForReal()
    {
        static string Text(string points) => string.Concat(points.Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(p => char.ConvertFromUtf32(int.Parse(p, NumberStyles.HexNumber, CultureInfo.InvariantCulture))));

        var vectors = File.ReadLines(Path.Combine(AppContext.BaseDirectory, "Text", "nfc-vectors.txt"))
            .Where(line => !line.StartsWith('#'))
            .Select(line => line.Split(';'))
            .ToList();
        var wrong = vectors.Where(v => Nfc.Normalize(Text(v[0])) != Text(v[1])).Select(v => string.Join(';', v)).ToList();

        Assert.That(vectors, Has.Count.GreaterThan(4000));
        Assert.That(wrong, Is.Empty, string.Join(Environment.NewLine, wrong.Take(20)));
    }
}
