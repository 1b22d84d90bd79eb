namespace IArms.Api.Tests.Infrastructure;

/// <summary>Firearm request bodies for tests: a valid record, changed with a <c>with</c> expression.</summary>
public static class Records
{
    public sealed record OtherSerialBody(string Location, string Value);

    public sealed record VisibilityBody(string Scope, string[]? Countries = null);

    public sealed record FirearmBody(
        string ExternalId,
        string SerialNumber,
        OtherSerialBody[]? OtherSerials = null,
        string Make = "Glock",
        string Model = "17",
        string Calibre = "9x19mm",
        string Type = "pistol",
        string? CountryOfManufacture = "AT",
        int? YearOfManufacture = 2015,
        string ImportMarking = "",
        string Status = "stolen",
        string? EventDate = "2026-10-01",
        string? EventCountryCode = "FR",
        string EventPlace = "Lyon",
        string CaseReference = "PJ-123",
        bool ObliteratedSerial = false,
        VisibilityBody? Visibility = null,
        string Notes = "");

    private static int _sequence;

    public static FirearmBody Firearm(string serial = "AB 123-456") =>
        new($"EXT-{Interlocked.Increment(ref _sequence):D6}-{Guid.NewGuid():N}"[..24], serial, Visibility: new VisibilityBody("all"));
}
