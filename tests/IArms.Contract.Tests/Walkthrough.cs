using System.Globalization;

namespace IArms.Contract.Tests;

/// <summary>
/// The data of one README walkthrough, drawn afresh for each run (the seed is printed), so that the generated clients
/// are proven on data nobody wrote them against: two agencies, a stolen pistol, and the misreading of its serial an
/// officer makes at a seizure.
/// </summary>
public sealed record Walkthrough(string OwnerCode, string OwnerCountry, string SearcherCode, string SearcherCountry,
    string ExternalId, string Serial, string MisreadSerial, string WildcardSerial, string CaseReference)
{
    private static readonly (string Country, string Prefix)[] Agencies = [("NL", "NL"), ("BE", "BE"), ("ES", "ES"), ("IT", "IT"), ("PL", "PL"), ("SE", "SE")];

    public static Walkthrough Draw()
    {
        var seed = Environment.TickCount;
        TestContext.Out.WriteLine($"Walkthrough seed {seed}");
        var random = new Random(seed);
        var owner = Agencies[random.Next(Agencies.Length)];
        var searcher = Agencies.Where(a => a != owner).ElementAt(random.Next(Agencies.Length - 1));
        string Code(string prefix) => $"{prefix}-T{random.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture)}";
        var letters = $"{(char)('A' + random.Next(26))}K";
        var digits = random.Next(100, 999).ToString(CultureInfo.InvariantCulture);
        // The tail 901 is read as 9OI: 0 for O, 1 for I, as the README's officer does.
        return new Walkthrough(
            Code(owner.Prefix), owner.Country, Code(searcher.Prefix), searcher.Country,
            $"{owner.Prefix}-2026-{random.Next(100_000, 999_999).ToString(CultureInfo.InvariantCulture)}",
            $"{letters} {digits}-901", $"{letters} {digits}-9OI", $"{letters}?{digits[1..]}*", $"CASE-{random.Next(1000, 9999).ToString(CultureInfo.InvariantCulture)}");
    }
}
