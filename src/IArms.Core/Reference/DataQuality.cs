namespace IArms.Core.Reference;

/// <summary>
/// Scores a record's identifying data. Traces fail most often on a missing or misdescribed
/// serial, make or calibre, so those cost the most.
/// </summary>
/// <remarks>
/// Penalties, subtracted from 100 and floored at 0:
/// <list type="table">
/// <item><term>serial-too-short</term><description>30: a serial of under 4 letters and digits matches too many weapons to identify one.</description></item>
/// <item><term>obliterated-serial</term><description>15: what was read may be incomplete, so matches are uncertain.</description></item>
/// <item><term>missing-make</term><description>20: a trace is addressed to the manufacturer.</description></item>
/// <item><term>unknown-make</term><description>10: a make is given but matches no reference entry, so it may be misspelt or ambiguous.</description></item>
/// <item><term>missing-calibre</term><description>15: the calibre separates models sharing a serial range.</description></item>
/// <item><term>unknown-calibre</term><description>8.</description></item>
/// <item><term>missing-model</term><description>10: a manufacturer keeps serials per model line.</description></item>
/// <item><term>missing-country-of-manufacture</term><description>6: it picks the country to trace through when the make is unclear.</description></item>
/// <item><term>missing-year-of-manufacture</term><description>4: it helps most with recycled serial ranges.</description></item>
/// </list>
/// </remarks>
public static class DataQuality
{
    /// <summary>Normalised serials shorter than this are reported as too short.</summary>
    public const int MinimumSerialLength = 4;

    /// <summary>The penalty of each issue code.</summary>
    public static IReadOnlyDictionary<string, int> Weights { get; } = new Dictionary<string, int>(StringComparer.Ordinal)
    {
        ["serial-too-short"] = 30,
        ["obliterated-serial"] = 15,
        ["missing-make"] = 20,
        ["unknown-make"] = 10,
        ["missing-calibre"] = 15,
        ["unknown-calibre"] = 8,
        ["missing-model"] = 10,
        ["missing-country-of-manufacture"] = 6,
        ["missing-year-of-manufacture"] = 4,
    };

    /// <summary>Scores <paramref name="input"/> and lists what lowers the score.</summary>
    public static DataQualityReport Assess(DataQualityInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var issues = new List<string>();

        // Counted as the serial search normalises it: letters and digits only.
        var serialLength = input.SerialNumber?.Count(char.IsLetterOrDigit) ?? 0;
        if (serialLength < MinimumSerialLength)
        {
            issues.Add("serial-too-short");
        }

        if (input.ObliteratedSerial)
        {
            issues.Add("obliterated-serial");
        }

        if (string.IsNullOrWhiteSpace(input.Make))
        {
            issues.Add("missing-make");
        }
        else if (!input.MakeResolved)
        {
            issues.Add("unknown-make");
        }

        if (string.IsNullOrWhiteSpace(input.Calibre))
        {
            issues.Add("missing-calibre");
        }
        else if (!input.CalibreResolved)
        {
            issues.Add("unknown-calibre");
        }

        if (string.IsNullOrWhiteSpace(input.Model))
        {
            issues.Add("missing-model");
        }

        if (string.IsNullOrWhiteSpace(input.CountryOfManufacture))
        {
            issues.Add("missing-country-of-manufacture");
        }

        if (input.YearOfManufacture is null)
        {
            issues.Add("missing-year-of-manufacture");
        }

        var score = Math.Max(0, 100 - issues.Sum(issue => Weights[issue]));
        return new DataQualityReport(score, issues);
    }
}
