using IArms.Core.Tracing;
using static IArms.Core.Tests.Tracing.Events;

namespace IArms.Core.Tests.Tracing;

public class CustodyEventRulesTests
{
    private static readonly DateOnly Today = D("2026-01-15");
    private static readonly DateOnly Made = D("2015-01-01");
    private static readonly Party Dealer = P("Waffen Huber", PartyKind.Dealer, "AT");
    private static readonly Party Person = P("Anna Berg", PartyKind.PrivatePerson, "AT");

    private static IEnumerable<string> Fields(CustodyEvent e, DateOnly? made = null) =>
        CustodyEventRules.Validate(e, made ?? Made, Today).Select(x => x.Field);

    [Test]
    public void LawfulSaleIsValid()
    {
        Assert.That(CustodyEventRules.Validate(Ev("s", CustodyEventType.Sold, "2020-01-01", Dealer, Person, "AT"), Made, Today), Is.Empty);
    }

    [Test]
    public void EventInTheFutureIsRejected()
    {
        Assert.That(Fields(Ev("s", CustodyEventType.Sold, "2026-01-16", Dealer, Person)), Is.EqualTo(new[] { "date" }));
    }

    [Test]
    public void EventDatedTodayIsAccepted()
    {
        Assert.That(Fields(Ev("s", CustodyEventType.Sold, "2026-01-15", Dealer, Person)), Is.Empty);
    }

    [Test]
    public void EventBeforeManufactureIsRejected()
    {
        var errors = CustodyEventRules.Validate(Ev("s", CustodyEventType.Sold, "2014-12-31", Dealer, Person), Made, Today);

        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0].Field, Is.EqualTo("date"));
        Assert.That(errors[0].Message, Does.Contain("2015-01-01"));
    }

    [Test]
    public void AManufacturedEventAloneIsNotHeldToTheManufactureDateItDefines()
    {
        Assert.That(Fields(Ev("m", CustodyEventType.Manufactured, "2014-06-01", to: Dealer)), Is.Empty);
    }

    [Test]
    public void UnknownManufactureDateSkipsTheCheck()
    {
        Assert.That(CustodyEventRules.Validate(Ev("s", CustodyEventType.Sold, "1950-01-01", Dealer, Person), null, Today), Is.Empty);
    }

    [Test]
    public void ExportWithoutDestinationCountryIsRejected()
    {
        Assert.That(
            Fields(Ev("x", CustodyEventType.Exported, "2020-01-01", Dealer, P("Buyer", PartyKind.Company))),
            Is.EqualTo(new[] { "toParty.countryCode" }));
    }

    [Test]
    public void ExportDestinationMayComeFromTheEventCountry()
    {
        Assert.That(Fields(Ev("x", CustodyEventType.Exported, "2020-01-01", Dealer, P("Buyer", PartyKind.Company), "CH")), Is.Empty);
    }

    [Test]
    public void ImportWithoutCountryIsRejected()
    {
        Assert.That(
            Fields(Ev("i", CustodyEventType.Imported, "2020-01-01", Dealer, P("Buyer", PartyKind.Company))),
            Is.EqualTo(new[] { "countryCode" }));
    }

    [TestCase(CustodyEventType.Transferred)]
    [TestCase(CustodyEventType.Sold)]
    [TestCase(CustodyEventType.Assigned)]
    [TestCase(CustodyEventType.Imported)]
    public void TransferWithoutRecipientIsRejected(CustodyEventType type)
    {
        Assert.That(Fields(Ev("t", type, "2020-01-01", Dealer, null, "AT")), Is.EqualTo(new[] { "toParty" }));
    }

    [TestCase(CustodyEventType.ReportedStolen)]
    [TestCase(CustodyEventType.Seized)]
    [TestCase(CustodyEventType.Destroyed)]
    public void NonTransfersNeedNoRecipient(CustodyEventType type)
    {
        Assert.That(Fields(Ev("t", type, "2020-01-01", Dealer, null, "AT")), Is.Empty);
    }

    [Test]
    public void TransferToTheSenderIsRejected()
    {
        Assert.That(Fields(Ev("t", CustodyEventType.Sold, "2020-01-01", Dealer, Dealer)), Is.EqualTo(new[] { "toParty" }));
    }

    [Test]
    public void MalformedCountryCodesAreRejectedPerField()
    {
        var e = Ev("t", CustodyEventType.Sold, "2020-01-01", P("A", PartyKind.Dealer, "aut"), P("B", PartyKind.Dealer, "at"), "A1");

        Assert.That(Fields(e), Is.EqualTo(new[] { "countryCode", "fromParty.countryCode", "toParty.countryCode" }));
    }

    [Test]
    public void UnassignedCountryCodesAreRejected()
    {
        var e = Ev("t", CustodyEventType.Sold, "2020-01-01", P("A", PartyKind.Dealer, "ZZ"), P("B", PartyKind.Dealer, "AT"), "XX");

        Assert.That(Fields(e), Is.EqualTo(new[] { "countryCode", "fromParty.countryCode" }));
    }

    [Test]
    public void BlankPartyNameAndAuthorizationReferenceAreRejected()
    {
        var e = Ev("t", CustodyEventType.Sold, "2020-01-01", Dealer, P(" ", PartyKind.PrivatePerson), auth: Auth(AuthorizationKind.TransferPermit, ""));

        Assert.That(Fields(e), Is.EqualTo(new[] { "toParty.name", "authorization.reference" }));
    }

    [Test]
    public void APartyOfKindUnknownNeedsNoName()
    {
        var e = Ev("t", CustodyEventType.Transferred, "2020-01-01", Dealer, P("", PartyKind.Unknown, "RS"), "AT");

        Assert.That(Fields(e), Is.Empty);
    }

    [Test]
    public void UndefinedEnumValuesAreRejected()
    {
        var e = Ev("t", (CustodyEventType)42, "2020-01-01", P("A", (PartyKind)42), null, auth: Auth((AuthorizationKind)42));

        Assert.That(Fields(e), Is.EqualTo(new[] { "type", "fromParty.kind", "authorization.kind" }));
    }

    private static readonly Party Maker = P("Glock GmbH", PartyKind.Manufacturer, "AT");

    private static string[] ChainErrors(CustodyEvent[] incoming, CustodyEvent[] chain, int? year = 2015) =>
        CustodyEventRules.ValidateChain(incoming, chain, year, Today).Select(x => $"{x.Index}:{x.Field}").ToArray();

    [Test]
    public void EventBefore1800IsRejected()
    {
        var errors = CustodyEventRules.Validate(Ev("s", CustodyEventType.Sold, "1799-12-31", Dealer, Person), null, Today);

        Assert.That(errors.Select(e => e.Field), Is.EqualTo(new[] { "date" }));
        Assert.That(errors[0].Message, Does.Contain("1800-01-01"));
        Assert.That(Fields(Ev("s", CustodyEventType.Sold, "1800-01-01", Dealer, Person), made: D("1800-01-01")), Is.Empty);
    }

    [Test]
    public void ManufacturedEventDatedYearOneIsRejected()
    {
        var errors = CustodyEventRules.ValidateChain([Ev("m", CustodyEventType.Manufactured, "0001-01-01", to: Maker)], [], null, Today);

        Assert.That(errors.Select(e => (e.Index, e.Field)), Is.EqualTo(new[] { (0, "date") }));
        Assert.That(errors[0].Message, Does.Contain("1800"));
    }

    [Test]
    public void ManufacturedEventOutsideTheRecordsYearIsRejected()
    {
        Assert.That(ChainErrors([Ev("m", CustodyEventType.Manufactured, "2014-06-01", to: Maker)], []), Is.EqualTo(new[] { "0:date" }));
        Assert.That(ChainErrors([Ev("m", CustodyEventType.Manufactured, "2015-06-01", to: Maker)], []), Is.Empty);
        Assert.That(ChainErrors([Ev("m", CustodyEventType.Manufactured, "2014-06-01", to: Maker)], [], year: null), Is.Empty);
    }

    [Test]
    public void ManufacturedEventAfterAnotherEventOfTheChainIsRejected()
    {
        var sale = Ev("s", CustodyEventType.Sold, "2016-05-01", Maker, Dealer, "AT");

        var errors = CustodyEventRules.ValidateChain([Ev("m", CustodyEventType.Manufactured, "2021-01-01", to: Maker)], [sale], null, Today);

        Assert.That(errors.Select(e => $"{e.Index}:{e.Field}"), Is.EqualTo(new[] { "0:date" }));
        Assert.That(errors[0].Message, Does.Contain("2016-05-01"));
        Assert.That(ChainErrors([Ev("m", CustodyEventType.Manufactured, "2016-05-01", to: Maker)], [sale], year: 2016), Is.Empty, "same day is not after");
    }

    [Test]
    public void SecondManufacturedEventIsRejectedUnderType()
    {
        var made = Ev("m1", CustodyEventType.Manufactured, "2015-03-02", to: Maker);

        Assert.That(ChainErrors([Ev("m2", CustodyEventType.Manufactured, "2015-03-01", to: Maker)], [made]), Does.Contain("0:type"));
        Assert.That(
            ChainErrors([Ev("a", CustodyEventType.Manufactured, "2015-03-01", to: Maker), Ev("b", CustodyEventType.Manufactured, "2015-03-02", to: Maker)], []),
            Is.EqualTo(new[] { "1:type" }));
    }

    [Test]
    public void EventBeforeTheManufacturedEventOfTheSameBatchIsRejectedUnderItsIndex()
    {
        var errors = ChainErrors(
            [Ev("m", CustodyEventType.Manufactured, "2015-03-02", to: Maker), Ev("s", CustodyEventType.Sold, "2015-02-01", Maker, Dealer, "AT")], []);

        Assert.That(errors, Is.EqualTo(new[] { "0:date", "1:date" }), "the sale is before the manufacture, which is then after the sale");
    }

    [Test]
    public void ValidEventsAfterTheManufactureAreAccepted()
    {
        var made = Ev("m", CustodyEventType.Manufactured, "2015-03-02", to: Maker);

        Assert.That(ChainErrors([Ev("s", CustodyEventType.Sold, "2015-06-01", Maker, Dealer, "AT")], [made]), Is.Empty);
    }

    [Test]
    public void ManufactureDateIsTheManufacturedEventElseTheRecordsYear()
    {
        Assert.Multiple(() =>
        {
            Assert.That(CustodyEventRules.ManufactureDate([Ev("m", CustodyEventType.Manufactured, "2015-03-02", to: Maker)], 2015), Is.EqualTo(D("2015-03-02")));
            Assert.That(CustodyEventRules.ManufactureDate([], 2015), Is.EqualTo(D("2015-01-01")));
            Assert.That(CustodyEventRules.ManufactureDate([], null), Is.Null);
        });
    }
}
