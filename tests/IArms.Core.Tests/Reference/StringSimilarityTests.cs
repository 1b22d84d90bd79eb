using IArms.Core.Reference;

namespace IArms.Core.Tests.Reference;

public class StringSimilarityTests
{
    [TestCase("", "", 0)]
    [TestCase("glock", "glock", 0)]
    [TestCase("glok", "glock", 1)]
    [TestCase("colt", "clot", 1)]
    [TestCase("berreta", "beretta", 2)]
    [TestCase("kitten", "sitting", 3)]
    [TestCase("ca", "abc", 3)]
    public void DamerauLevenshteinCountsEditsAndAdjacentSwaps(string a, string b, int expected)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(StringSimilarity.BoundedDamerauLevenshtein(a, b, 10), Is.EqualTo(expected));
            Assert.That(StringSimilarity.BoundedDamerauLevenshtein(b, a, 10), Is.EqualTo(expected));
        }
    }

    [Test]
    public void DamerauLevenshteinStopsAtTheBound()
    {
        Assert.That(StringSimilarity.BoundedDamerauLevenshtein("kalashnikov", "remington", 2), Is.EqualTo(3));
    }

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
