using FsCheck;
using FsCheck.Fluent;
using IArms.Core.Serials;

namespace IArms.Core.Tests.Serials;

public class DamerauLevenshteinTests
{
    [TestCase("AB123456", "AB123456", 0)]
    [TestCase("AB123456", "BA123456", 1)]
    [TestCase("AB123456", "AB123465", 1)]
    [TestCase("AB123456", "AB12345", 1)]
    [TestCase("AB123456", "XAB123456", 1)]
    [TestCase("AB123456", "AB1X3456", 1)]
    [TestCase("AB123456", "BA123465", 2)]
    [TestCase("KITTEN", "SITTING", 3)]
    [TestCase("CA", "ABC", 3)]
    [TestCase("", "ABC", 3)]
    [TestCase("", "", 0)]
    public void DistanceIsTheOptimalStringAlignmentDistance(string a, string b, int expected)
    {
        Assert.That(DamerauLevenshtein.Distance(a, b, 10), Is.EqualTo(expected));
        Assert.That(DamerauLevenshtein.Distance(b, a, 10), Is.EqualTo(expected));
    }

    [TestCase("AB123456", "XY987654", 2)]
    [TestCase("AB123456", "AB1", 2)]
    [TestCase("KITTEN", "SITTING", 1)]
    [TestCase("AB12", "BA21", 0)]
    public void DistanceStopsAtMaxPlusOne(string a, string b, int max) =>
        Assert.That(DamerauLevenshtein.Distance(a, b, max), Is.EqualTo(max + 1));

    [Test]
    public void DistanceWorksBeyondTheStackBuffer()
    {
        var a = new string('A', 200) + "XY";
        var b = new string('A', 200) + "YX";
        Assert.That(DamerauLevenshtein.Distance(a, b, 2), Is.EqualTo(1));
    }

    [Test]
    public void NegativeMaxIsAProgrammingError() =>
        Assert.That(() => DamerauLevenshtein.Distance("A", "B", -1), Throws.InstanceOf<ArgumentOutOfRangeException>());

    [TestCase(0, 0)]
    [TestCase(3, 0)]
    [TestCase(4, 1)]
    [TestCase(7, 1)]
    [TestCase(8, 2)]
    [TestCase(20, 2)]
    public void FuzzyThresholdFollowsTheDesign(int length, int expected) =>
        Assert.That(DamerauLevenshtein.FuzzyThreshold(length), Is.EqualTo(expected));

    [Test]
    public void BoundedDistanceAgreesWithTheFullDynamicProgram()
    {
        // A small alphabet makes repeated characters and transpositions common, where banding errs if it errs.
        var word = from length in Gen.Choose(0, 12)
                   from chars in Gen.ArrayOf(Gen.Elements('A', 'B', 'C'), length)
                   select new string(chars);
        var cases = from a in word from b in word from max in Gen.Choose(0, 5) select (a, b, max);
        Prop.ForAll(Arb.From(cases), c =>
            {
                var expected = Math.Min(Reference(c.a, c.b), c.max + 1);
                return DamerauLevenshtein.Distance(c.a, c.b, c.max) == expected
                    && DamerauLevenshtein.Distance(c.b, c.a, c.max) == expected;
            })
            .Check(Config.QuickThrowOnFailure.WithMaxTest(2000));
    }

    /// <summary>The textbook unbounded optimal-string-alignment distance.</summary>
    internal static int Reference(string a, string b)
    {
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }
}
