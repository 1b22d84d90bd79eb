using FsCheck;
using FsCheck.Fluent;
using IArms.Core.Reference;

namespace IArms.Core.Tests.Reference;

public class ReferenceTextTests
{
    [TestCase("Colt's Manufacturing Company", "colt")]
    [TestCase("Colt's Manufacturing Co.", "colt")]
    [TestCase("COLT", "colt")]
    [TestCase("Colt’s Mfg. Co., Inc.", "colt")]
    [TestCase("Heckler und Koch GmbH", "hecklerkoch")]
    [TestCase("Heckler & Koch", "hecklerkoch")]
    [TestCase("Beretta S.p.A.", "beretta")]
    [TestCase("S.p.A. Beretta", "beretta")]
    [TestCase("Beretta SpA", "beretta")]
    [TestCase("Glock Ges.m.b.H.", "glock")]
    [TestCase("GmbH & Co. KG Glock", "glock")]
    [TestCase("Česká zbrojovka a.s.", "ceskazbrojovka")]
    [TestCase("Ceska Zbrojovka", "ceskazbrojovka")]
    [TestCase("Sako Oy", "sako")]
    [TestCase("Fabryka Broni Łucznik-Radom Sp. z o.o.", "fabrykabronilucznikradom")]
    [TestCase("Kalashnikov Concern JSC", "kalashnikovconcern")]
    [TestCase("Sturm, Ruger & Co., Inc.", "sturmruger")]
    [TestCase("Hämmerli AG", "hammerli")]
    [TestCase("Kongsberg Våpenfabrikk AS", "kongsbergvapenfabrikk")]
    [TestCase("Großwaffen GmbH", "grosswaffen")]
    [TestCase("Škoda", "skoda")]
    [TestCase("Sarsılmaz", "sarsilmaz")]
    [TestCase("TİSAŞ", "tisas")]
    [TestCase("Charter Arms", "charterarms")]
    [TestCase("AO", "ao")]
    [TestCase("  ", "")]
    [TestCase(null, "")]
    public void NormalizeMakeFoldsCaseDiacriticsPunctuationAndCompanySuffixes(string? text, string expected)
    {
        Assert.That(ReferenceText.NormalizeMake(text), Is.EqualTo(expected));
    }

    [TestCase("Smith & Wesson", "Smith and Wesson")]
    [TestCase("S&W", "S & W")]
    [TestCase("H&K", "HK")]
    [TestCase("Hi-Point", "HiPoint")]
    [TestCase("Hi Point", "Hi-Point")]
    [TestCase("Fabrique Nationale d'Herstal", "Fabrique Nationale de Herstal")]
    [TestCase("FN Herstal S.A.", "F.N. Herstal")]
    [TestCase("Fegyver- és Gépgyár", "Fegyver es Gepgyar")]
    public void NormalizeMakeEquatesSpellingsOfTheSameName(string a, string b)
    {
        Assert.That(ReferenceText.NormalizeMake(a), Is.EqualTo(ReferenceText.NormalizeMake(b)));
    }

    [TestCase("Glock", "Colt")]
    [TestCase("Smith & Wesson", "Smith")]
    [TestCase("Zastava Arms", "Zastava")]
    public void NormalizeMakeKeepsDistinctNamesApart(string a, string b)
    {
        Assert.That(ReferenceText.NormalizeMake(a), Is.Not.EqualTo(ReferenceText.NormalizeMake(b)));
    }

    [TestCase("9x19mm", "9x19")]
    [TestCase("9 x 19 mm", "9x19")]
    [TestCase("9×19", "9x19")]
    [TestCase("9 mm", "9mm")]
    [TestCase("9mm Luger", "9mmluger")]
    [TestCase(".45 ACP", "45acp")]
    [TestCase("45 ACP", "45acp")]
    [TestCase("Cal. .45 ACP", "45acp")]
    [TestCase("calibre .45 ACP", "45acp")]
    [TestCase("caliber 45 acp", "45acp")]
    [TestCase("cal.45 ACP", "45acp")]
    [TestCase("7,62x39", "7.62x39")]
    [TestCase("7.62 × 39 mm", "7.62x39")]
    [TestCase("7.62x54mmR", "7.62x54r")]
    [TestCase("7.62 x 54 R", "7.62x54r")]
    [TestCase("12 Gauge", "12ga")]
    [TestCase("12-gauge", "12ga")]
    [TestCase("12 ga", "12ga")]
    [TestCase("12 bore", "12ga")]
    [TestCase("12/70", "12/70")]
    [TestCase(".22 L.R.", "22lr")]
    [TestCase(".22LR", "22lr")]
    [TestCase("5.56x45mm NATO", "5.56x45nato")]
    [TestCase(".30-06 Springfield", "3006springfield")]
    [TestCase("Kalashnikov 7.62", "kalashnikov7.62")]
    [TestCase(null, "")]
    public void NormalizeCalibreReadsDesignationsTheWayArmourersWriteThem(string? text, string expected)
    {
        Assert.That(ReferenceText.NormalizeCalibre(text), Is.EqualTo(expected));
    }

    [Test]
    public void NormalizeCalibreLeavesCartridgeNamesToTheAliases()
    {
        // "Luger" and "Parabellum" name the same round only because the reference table says so.
        Assert.That(ReferenceText.NormalizeCalibre("9mm Luger"), Is.Not.EqualTo(ReferenceText.NormalizeCalibre("9mm Parabellum")));
    }

    // Plain [Test]s driving FsCheck: NUnit.Analyzers does not know FsCheck's [Property] attribute.
    [Test]
    public void NormalisingAKeyAgainChangesNothing()
    {
        Prop.ForAll<string>(text =>
                (ReferenceText.NormalizeMake(ReferenceText.NormalizeMake(text)) == ReferenceText.NormalizeMake(text)
                 && ReferenceText.NormalizeCalibre(ReferenceText.NormalizeCalibre(text)) == ReferenceText.NormalizeCalibre(text))
                .Label($"'{text}'"))
            .QuickCheckThrowOnFailure();
    }

    [Test]
    public void KeysIgnoreLetterCaseOfAsciiText()
    {
        Prop.ForAll<string>(text =>
            {
                var ascii = new string([.. (text ?? string.Empty).Where(char.IsAscii)]);
                return (ReferenceText.NormalizeMake(ascii.ToUpperInvariant()) == ReferenceText.NormalizeMake(ascii.ToLowerInvariant())
                        && ReferenceText.NormalizeCalibre(ascii.ToUpperInvariant()) == ReferenceText.NormalizeCalibre(ascii.ToLowerInvariant()))
                    .Label($"'{ascii}'");
            })
            .QuickCheckThrowOnFailure();
    }
}
