using FsCheck;
using FsCheck.Fluent;
using IArms.Core.Analysis;
using static IArms.Core.Tests.Tracing.Events;

namespace IArms.Core.Tests.Analysis;

public class SerialRunAndTrendTests
{
    private static SerialRunCandidate C(long id, string serial, string? caseRef = null, string make = "Glock", string? model = "17",
        string? place = null, string? country = "FR", string date = "2024-01-01", params string[] parties) =>
        new(id, make, model, serial, caseRef ?? $"CASE-{id}", place, country, D(date), parties);

    [TestCase("BER123456A", "BER#A", 123456L)]
    [TestCase("ab 001-234", "AB#", 1234L)]
    [TestCase("1985-AB-1234", "1985AB#", 1234L)]
    [TestCase("123", "#", 123L)]
    public void SerialSplitsAroundItsLastRunOfDigits(string serial, string skeleton, long number) =>
        Assert.That(SerialShape.Of(serial), Is.EqualTo(new SerialShape(skeleton, number)));

    [TestCase("ABCDEF")]
    [TestCase("")]
    [TestCase("A1234567890123456789")]
    public void SerialsWithoutAUsableNumberHaveNoShape(string serial) => Assert.That(SerialShape.Of(serial), Is.Null);

    [Test]
    public void APlantedRunAmongUnrelatedSerialsIsFoundExactly()
    {
        var random = new Random(7);
        var candidates = new List<SerialRunCandidate>();
        for (var i = 0; i < 500; i++)
        {
            // Unrelated serials of the same make, far from the lot and from each other.
            candidates.Add(C(1000 + i, $"ABC{(i * 2500) + random.Next(0, 2000) + 200_000:D7}"));
        }

        long[] lot = [1, 2, 3, 4, 5];
        string[] serials = ["ABC0100010", "abc 0100017", "ABC-0100055", "ABC0100140", "ABC0100141"];
        for (var i = 0; i < lot.Length; i++)
        {
            candidates.Add(C(lot[i], serials[i], country: i % 2 == 0 ? "FR" : "BE", date: $"2024-0{i + 1}-01", parties: "pDepot"));
        }

        // Same number, other prefix: a different marking scheme, not part of the lot.
        candidates.Add(C(9, "ABD0100012"));
        // Another make with the same serials.
        candidates.Add(C(10, "ABC0100011", make: "Beretta"));
        // Too far from the last member.
        candidates.Add(C(11, "ABC0100242"));

        var runs = SerialRuns.Find(candidates);
        Assert.That(runs, Has.Count.EqualTo(1));
        var run = runs[0];
        Assert.That(run.FirearmIds, Is.EqualTo(lot));
        Assert.That(run.FirstSerial, Is.EqualTo("ABC0100010"));
        Assert.That(run.LastSerial, Is.EqualTo("ABC0100141"));
        Assert.That(run.Countries, Is.EqualTo(new[] { "BE", "FR" }));
        Assert.That((run.FirstEvent, run.LastEvent), Is.EqualTo((D("2024-01-01"), D("2024-05-01"))));
        Assert.That(run.CommonParties, Is.EqualTo(new[] { "pDepot" }));
        Assert.That(run.Model, Is.EqualTo("17"));
    }

    [Test]
    public void ARunRecordedByOneCaseAtOnePlaceIsDropped()
    {
        SerialRunCandidate[] oneCase = [C(1, "X100", "K-1", place: "Lyon"), C(2, "X101", "K-1", place: "Lyon"), C(3, "X102", "k 1", place: "lyon")];
        Assert.That(SerialRuns.Find(oneCase), Is.Empty);
        SerialRunCandidate[] twoPlaces = [C(1, "X100", "K-1", place: "Lyon"), C(2, "X101", "K-1", place: "Paris")];
        Assert.That(SerialRuns.Find(twoPlaces).Single().FirearmIds, Is.EqualTo(new long[] { 1, 2 }));
    }

    [Test]
    public void KnownModelsMustAgree()
    {
        SerialRunCandidate[] mixed =
        [
            C(1, "X100", model: "17"), C(2, "X101", model: "19"), C(3, "X102", model: "17"), C(4, "X103", model: null), C(5, "X104", model: "19"),
        ];
        var runs = SerialRuns.Find(mixed);
        Assert.That(runs.Select(r => r.FirearmIds), Is.EquivalentTo(new[] { new long[] { 1, 3 }, new long[] { 2, 5 } }));

        SerialRunCandidate[] oneModel = [C(1, "X100", model: "17"), C(2, "X101", model: null)];
        Assert.That(SerialRuns.Find(oneModel).Single().FirearmIds, Is.EqualTo(new long[] { 1, 2 }));
    }

    [Test]
    public void MaxGapChainsConsecutiveMembers()
    {
        SerialRunCandidate[] spaced = [C(1, "X100"), C(2, "X150"), C(3, "X200"), C(4, "X251")];
        Assert.That(SerialRuns.Find(spaced, maxGap: 50).Single().FirearmIds, Is.EqualTo(new long[] { 1, 2, 3 }));
        Assert.That(SerialRuns.Find(spaced, maxGap: 10), Is.Empty);
    }

    private static Arbitrary<(long[] Numbers, SerialRunCandidate[] Shuffled, int Gap)> RunSets() =>
        (from n in Gen.Choose(0, 30)
         from numbers in Gen.ArrayOf(Gen.Choose(0, 3000).Select(x => (long)x), n)
         from gap in Gen.Choose(0, 150)
         let candidates = numbers.Select((x, i) => C(i, $"Q{x}")).ToArray()
         from shuffled in Gen.Shuffle(candidates)
         select (numbers, shuffled, gap)).ToArbitrary();

    [FsCheck.NUnit.Property(MaxTest = 300)]
    public Property RunsAreDisjointChainsWithinTheGapAndIgnoreInputOrder() =>
        Prop.ForAll(RunSets(), s =>
        {
            var runs = SerialRuns.Find(s.Shuffled, s.Gap);
            var again = SerialRuns.Find(s.Shuffled.Reverse(), s.Gap);
            var ids = runs.SelectMany(r => r.FirearmIds).ToList();
            var withinGap = runs.All(r =>
            {
                var nums = r.FirearmIds.Select(i => s.Numbers[i]).ToList();
                return nums.Zip(nums.Skip(1)).All(p => p.Second >= p.First && p.Second - p.First <= s.Gap);
            });
            // A number left out of every run has no neighbour within the gap.
            var member = ids.ToHashSet();
            var maximal = Enumerable.Range(0, s.Numbers.Length).Where(i => !member.Contains(i))
                .All(i => !Enumerable.Range(0, s.Numbers.Length).Any(j => j != i && Math.Abs(s.Numbers[i] - s.Numbers[j]) <= s.Gap));
            return ids.Count == ids.Distinct().Count() && withinGap && maximal
                && runs.Select(r => string.Join(",", r.FirearmIds)).SequenceEqual(again.Select(r => string.Join(",", r.FirearmIds)));
        });

    [Test]
    public void TrendLabelsByPeriod()
    {
        Assert.That(Trends.Label(D("2026-03-15"), TrendPeriod.Month), Is.EqualTo("2026-03"));
        Assert.That(Trends.Label(D("2026-03-15"), TrendPeriod.Quarter), Is.EqualTo("2026-Q1"));
        Assert.That(Trends.Label(D("2026-10-01"), TrendPeriod.Quarter), Is.EqualTo("2026-Q4"));
        Assert.That(Trends.Label(D("2026-03-15"), TrendPeriod.Year), Is.EqualTo("2026"));
    }

    [Test]
    public void EmptyPeriodsBetweenFirstAndLastAreZero()
    {
        var points = Trends.Bucket([D("2025-11-30"), D("2026-02-01"), D("2025-11-01")], TrendPeriod.Month);
        Assert.That(points.Select(p => (p.Period, p.Count)), Is.EqualTo(new[] { ("2025-11", 2L), ("2025-12", 0L), ("2026-01", 0L), ("2026-02", 1L) }));
        Assert.That(points[1].Start, Is.EqualTo(D("2025-12-01")));
        Assert.That(Trends.Bucket([], TrendPeriod.Year), Is.Empty);
        Assert.That(Trends.Bucket([D("2025-05-05")], TrendPeriod.Quarter, D("2025-01-01"), D("2025-12-31")).Select(p => p.Period),
            Is.EqualTo(new[] { "2025-Q1", "2025-Q2", "2025-Q3", "2025-Q4" }));
    }

    private static Arbitrary<(DateOnly[] Dates, TrendPeriod By)> DateSets() =>
        (from n in Gen.Choose(1, 60)
         from dates in Gen.ArrayOf(Gen.Choose(0, 4000).Select(d => new DateOnly(2015, 1, 1).AddDays(d)), n)
         from period in Gen.Elements(TrendPeriod.Month, TrendPeriod.Quarter, TrendPeriod.Year)
         select (dates, period)).ToArbitrary();

    [FsCheck.NUnit.Property(MaxTest = 200)]
    public Property BucketsAreConsecutiveAndCountEveryDate() =>
        Prop.ForAll(DateSets(), s =>
        {
            var points = Trends.Bucket(s.Dates, s.By);
            return points.Sum(p => p.Count) == s.Dates.Length
                && points[0].Start == Trends.PeriodStart(s.Dates.Min(), s.By)
                && points[^1].Start == Trends.PeriodStart(s.Dates.Max(), s.By)
                && points.Zip(points.Skip(1)).All(p => Trends.PeriodStart(p.Second.Start.AddDays(-1), s.By) == p.First.Start)
                && points.All(p => p.Count == s.Dates.Count(d => Trends.Label(d, s.By) == p.Period));
        });

    [Test]
    public void AKeptRunsBoundIsItsLongestChainOfOneModelOrItsSizeWhenAModelCannotBeKeyed()
    {
        // 17s at 0, 50, 120 (one chain of three: 50 to 120 is within 100), 19s at 10, 300 (two chains of one).
        (long, string)[] models = [(0, "17"), (10, "19"), (50, "g-17 "), (120, "17"), (300, "19")];
        Assert.Multiple(() =>
        {
            Assert.That(SerialRuns.KeptRunBound([(0, "17"), (10, "19"), (50, "17"), (120, "17"), (300, "19")]), Is.EqualTo(3));
            Assert.That(SerialRuns.KeptRunBound(models), Is.EqualTo(1), "G17 is its own model: the 17s at 0 and 120 are too far apart");
            Assert.That(SerialRuns.KeptRunBound([(0, "17"), (10, ""), (50, "17")]), Is.EqualTo(3), "a member without a model");
            Assert.That(SerialRuns.KeptRunBound([(0, "17"), (10, "Stürm"), (50, "17")]), Is.EqualTo(3), "a model SQL cannot key");
            Assert.That(SerialRuns.BoundModelKey("Px4 Storm"), Is.EqualTo("PX4STORM"));
            Assert.That(SerialRuns.BoundModelKey("M&P9"), Is.EqualTo("MP9"));
            Assert.That(SerialRuns.BoundModelKey(" - "), Is.Null);
        });
    }

    [Test]
    public void TheBoundModelKeyIsTheNormalisedModelWheneverItIsGiven() =>
        Prop.ForAll<string>(model => SerialRuns.BoundModelKey(model) is not { } key || key == IArms.Core.Serials.SerialNormalizer.Normalize(model))
            .QuickCheckThrowOnFailure();
}
