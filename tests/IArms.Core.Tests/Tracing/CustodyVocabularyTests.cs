using IArms.Core.Tracing;

namespace IArms.Core.Tests.Tracing;

public class CustodyVocabularyTests
{
    [TestCase(CustodyEventType.Manufactured, "manufactured")]
    [TestCase(CustodyEventType.ReportedLost, "reported-lost")]
    [TestCase(CustodyEventType.ReportedStolen, "reported-stolen")]
    [TestCase(CustodyEventType.Deactivated, "deactivated")]
    public void EventTypesUseKebabCaseWireNames(CustodyEventType type, string wire)
    {
        Assert.That(CustodyVocabulary.ToWire(type), Is.EqualTo(wire));
        Assert.That(CustodyVocabulary.TryParseEventType(wire, out var parsed), Is.True);
        Assert.That(parsed, Is.EqualTo(type));
    }

    [Test]
    public void EveryEnumValueRoundTripsThroughItsWireName()
    {
        Assert.Multiple(() =>
        {
            foreach (var v in Enum.GetValues<CustodyEventType>())
            {
                Assert.That(CustodyVocabulary.TryParseEventType(CustodyVocabulary.ToWire(v), out var back) && back == v, Is.True, v.ToString());
            }

            foreach (var v in Enum.GetValues<PartyKind>())
            {
                Assert.That(CustodyVocabulary.TryParsePartyKind(CustodyVocabulary.ToWire(v), out var back) && back == v, Is.True, v.ToString());
            }

            foreach (var v in Enum.GetValues<AuthorizationKind>())
            {
                Assert.That(CustodyVocabulary.TryParseAuthorizationKind(CustodyVocabulary.ToWire(v), out var back) && back == v, Is.True, v.ToString());
            }

            foreach (var v in Enum.GetValues<DiversionReason>())
            {
                Assert.That(CustodyVocabulary.TryParseDiversionReason(CustodyVocabulary.ToWire(v), out var back) && back == v, Is.True, v.ToString());
            }

            foreach (var v in Enum.GetValues<Confidence>())
            {
                Assert.That(CustodyVocabulary.TryParseConfidence(CustodyVocabulary.ToWire(v), out var back) && back == v, Is.True, v.ToString());
            }

            foreach (var v in Enum.GetValues<GapKind>())
            {
                Assert.That(CustodyVocabulary.TryParseGapKind(CustodyVocabulary.ToWire(v), out var back) && back == v, Is.True, v.ToString());
            }
        });
    }

    [Test]
    public void WireNamesMatchTheContract()
    {
        Assert.Multiple(() =>
        {
            Assert.That(CustodyVocabulary.ToWire(PartyKind.StateStockpile), Is.EqualTo("state-stockpile"));
            Assert.That(CustodyVocabulary.ToWire(PartyKind.PrivatePerson), Is.EqualTo("private-person"));
            Assert.That(CustodyVocabulary.ToWire(AuthorizationKind.EndUserCertificate), Is.EqualTo("end-user-certificate"));
            Assert.That(CustodyVocabulary.ToWire(DiversionReason.UnauthorizedReExport), Is.EqualTo("unauthorized-re-export"));
            Assert.That(CustodyVocabulary.ToWire(DiversionReason.PostCustodyGap), Is.EqualTo("post-custody-gap"));
            Assert.That(CustodyVocabulary.ToWire(GapKind.CustodyDiscontinuity), Is.EqualTo("custody-discontinuity"));
            Assert.That(CustodyVocabulary.ToWire(Confidence.Medium), Is.EqualTo("medium"));
            Assert.That(CustodyVocabulary.EventTypes, Has.Count.EqualTo(Enum.GetValues<CustodyEventType>().Length));
        });
    }

    [TestCase("Reported-Stolen")]
    [TestCase("reported_stolen")]
    [TestCase("reportedStolen")]
    [TestCase("")]
    [TestCase(null)]
    public void UnknownOrMisspelledNamesAreRejected(string? wire)
    {
        Assert.That(CustodyVocabulary.TryParseEventType(wire, out _), Is.False);
    }

    [Test]
    public void UndefinedEnumValueHasNoWireName()
    {
        Assert.That(() => CustodyVocabulary.ToWire((CustodyEventType)99), Throws.TypeOf<ArgumentOutOfRangeException>());
    }
}
