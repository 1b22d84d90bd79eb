using IArms.Core.Reference;

namespace IArms.Core.Tests.Reference;

public class StringSimilarityTests
{
    [TestCase("martha", "marhta", 0.9611)]
    [TestCase("dwayne", "duane", 0.84)]
    [TestCase("dixon", "dicksonx", 0.8133)]
    [TestCase("glock", "glock", 1.0)]
    [TestCase("glock", "", 0.0)]
    public void JaroWinklerMatchesTheTextbookExamples(string a, string b, double expected)
    {
        Assert.That(StringSimilarity.JaroWinkler(a, b), Is.EqualTo(expected).Within(0.0001));
    }

    [TestCase("berretta", "bereta")]
    [TestCase("glock", "glock")]
    [TestCase("", "")]
    public void CollapseRepeatsFoldsDoubledLetters(string text, string expected)
    {
        Assert.That(StringSimilarity.CollapseRepeats(text), Is.EqualTo(expected));
    }
}
