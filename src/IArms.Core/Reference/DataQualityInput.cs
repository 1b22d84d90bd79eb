namespace IArms.Core.Reference;

/// <summary>The identifying fields of a firearm record, as <see cref="DataQuality"/> needs them.</summary>
/// <param name="SerialNumber">The serial as entered.</param>
/// <param name="Make">The make as entered.</param>
/// <param name="MakeResolved">Whether <paramref name="Make"/> resolved to a reference entry.</param>
/// <param name="Model">The model as entered.</param>
/// <param name="Calibre">The calibre as entered.</param>
/// <param name="CalibreResolved">Whether <paramref name="Calibre"/> resolved to a reference entry.</param>
/// <param name="CountryOfManufacture">ISO 3166-1 alpha-2 code.</param>
/// <param name="YearOfManufacture">Year the weapon was made.</param>
/// <param name="ObliteratedSerial">Whether the serial was defaced, so what was read may be partial.</param>
public sealed record DataQualityInput(
    string? SerialNumber,
    string? Make,
    bool MakeResolved,
    string? Model,
    string? Calibre,
    bool CalibreResolved,
    string? CountryOfManufacture,
    int? YearOfManufacture,
    bool ObliteratedSerial);
