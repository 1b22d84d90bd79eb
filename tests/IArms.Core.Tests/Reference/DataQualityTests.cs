using IArms.Core.Reference;

namespace IArms.Core.Tests.Reference;

public class DataQualityTests
{
    private static readonly DataQualityInput Perfect = new(
        SerialNumber: "AB 123-456",
        Make: "Glock",
        MakeResolved: true,
        Model: "17",
        Calibre: "9x19mm",
        CalibreResolved: true,
        CountryOfManufacture: "AT",
        YearOfManufacture: 2015,
        ObliteratedSerial: false);

    [Test]
    public void PerfectRecordScoresHundredWithNoIssues()
    {
        Assert.That(DataQuality.Assess(Perfect), Is.EqualTo(new DataQualityReport(100, [])).Using<DataQualityReport>(SameReport));
    }

    [Test]
    public void EachIssueCostsItsDocumentedWeight()
    {
        DataQualityInput[] inputs =
        [
            Perfect with { SerialNumber = "A-1" },
            Perfect with { ObliteratedSerial = true },
            Perfect with { Make = null },
            Perfect with { MakeResolved = false },
            Perfect with { Calibre = " " },
            Perfect with { CalibreResolved = false },
            Perfect with { Model = "" },
            Perfect with { CountryOfManufacture = null },
            Perfect with { YearOfManufacture = null },
        ];
        string[] codes =
        [
            "serial-too-short", "obliterated-serial", "missing-make", "unknown-make", "missing-calibre",
            "unknown-calibre", "missing-model", "missing-country-of-manufacture", "missing-year-of-manufacture",
        ];

        using (Assert.EnterMultipleScope())
        {
            for (var i = 0; i < inputs.Length; i++)
            {
                var report = DataQuality.Assess(inputs[i]);
                Assert.That(report.Issues, Is.EqualTo(new[] { codes[i] }), codes[i]);
                Assert.That(report.Score, Is.EqualTo(100 - DataQuality.Weights[codes[i]]), codes[i]);
            }
        }
    }

    [Test]
    public void IdentificationFieldsWeighMoreThanDescriptiveOnes()
    {
        var w = DataQuality.Weights;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(w["missing-make"], Is.GreaterThan(w["unknown-make"]));
            Assert.That(w["missing-calibre"], Is.GreaterThan(w["unknown-calibre"]));
            Assert.That(w["serial-too-short"], Is.GreaterThan(w["missing-model"]));
            Assert.That(w["missing-model"], Is.GreaterThan(w["missing-year-of-manufacture"]));
        }
    }

    [Test]
    public void MissingMakeIsNotAlsoReportedAsUnknown()
    {
        var report = DataQuality.Assess(Perfect with { Make = null, MakeResolved = false, Calibre = null, CalibreResolved = false });

        Assert.That(report.Issues, Is.EqualTo(new[] { "missing-make", "missing-calibre" }));
    }

    [TestCase("AB12", false)]
    [TestCase("A-B-1", true)]
    [TestCase("  ", true)]
    [TestCase(null, true)]
    public void SerialIsMeasuredAfterNormalisation(string? serial, bool tooShort)
    {
        var issues = DataQuality.Assess(Perfect with { SerialNumber = serial }).Issues;

        Assert.That(issues.Contains("serial-too-short"), Is.EqualTo(tooShort));
    }

    [Test]
    public void EmptyRecordScoresZeroAndListsEveryIssueInOrder()
    {
        var report = DataQuality.Assess(new DataQualityInput(null, null, false, null, null, false, null, null, true));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(report.Score, Is.Zero);
            Assert.That(report.Issues, Is.EqualTo(new[]
            {
                "serial-too-short", "obliterated-serial", "missing-make", "missing-calibre", "missing-model",
                "missing-country-of-manufacture", "missing-year-of-manufacture",
            }));
        }
    }

    // Records compare lists by reference, so reports are compared field by field.
    private static bool SameReport(DataQualityReport a, DataQualityReport b) => a.Score == b.Score && a.Issues.SequenceEqual(b.Issues);
}
