using System.Text;
using IArms.Api.Firearms;

namespace IArms.Benchmarks;

/// <summary>
/// What synthetic records look like: manufacturers with their serial formats (modelled on published
/// examples of each maker's marking), models, calibres and types, and how officers type serials in.
/// </summary>
internal static class Shapes
{
    internal sealed record Maker(
        string Make, string Country, int Weight, (string Model, string Calibre, string Type)[] Models, Func<Random, string> Serial);

    private const string Letters = "ABCDEFGHJKLMNPRSTUVWXYZ";

    private static readonly Maker[] Makers =
    [
        new("Glock", "AT", 18, [("17", "9x19mm", "pistol"), ("19", "9x19mm", "pistol"), ("22", ".40 S&W", "pistol"), ("43", "9x19mm", "pistol")],
            r => r.Next(3) == 0 ? L(r, 4) + D(r, 3) : L(r, 3) + D(r, 3)),
        new("Beretta", "IT", 10, [("92FS", "9x19mm", "pistol"), ("PX4 Storm", "9x19mm", "pistol"), ("A400", "12 gauge", "shotgun")],
            r => r.Next(2) == 0 ? L(r, 2) + D(r, 5) : "BER" + D(r, 6) + L(r, 1)),
        new("Colt", "US", 6, [("M4", "5.56x45mm", "carbine"), ("1911", ".45 ACP", "pistol"), ("Python", ".357 Magnum", "revolver")],
            r => L(r, 2) + D(r, 6)),
        new("Ruger", "US", 8, [("10/22", ".22 LR", "rifle"), ("LCP", ".380 ACP", "pistol"), ("GP100", ".357 Magnum", "revolver")],
            r => D(r, 3) + "-" + D(r, 5)),
        new("Smith & Wesson", "US", 10, [("M&P9", "9x19mm", "pistol"), ("686", ".357 Magnum", "revolver"), ("SD40", ".40 S&W", "pistol")],
            r => r.Next(2) == 0 ? L(r, 3) + D(r, 4) : D(r, 7)),
        new("CZ", "CZ", 6, [("75 B", "9x19mm", "pistol"), ("Scorpion EVO 3", "9x19mm", "submachine-gun"), ("457", ".22 LR", "rifle")],
            r => L(r, 1) + D(r, 6)),
        new("Kalashnikov", "RU", 9, [("AK-47", "7.62x39mm", "assault-rifle"), ("AKM", "7.62x39mm", "assault-rifle"), ("AK-74", "5.45x39mm", "assault-rifle")],
            r => r.Next(2) == 0 ? $"{1960 + r.Next(40)}-{L(r, 2)}-{D(r, 4)}" : L(r, 2) + " " + D(r, 5)),
        new("Walther", "DE", 5, [("P99", "9x19mm", "pistol"), ("PPK", ".380 ACP", "pistol"), ("PPQ", "9x19mm", "pistol")],
            r => L(r, 2) + " " + D(r, 6)),
        new("SIG Sauer", "CH", 7, [("P226", "9x19mm", "pistol"), ("P320", "9x19mm", "pistol"), ("MCX", "5.56x45mm", "rifle")],
            r => D(r, 2) + L(r, 1) + D(r, 6)),
        new("FN Herstal", "BE", 5, [("FAL", "7.62x51mm", "rifle"), ("Five-seveN", "5.7x28mm", "pistol"), ("P90", "5.7x28mm", "submachine-gun")],
            r => D(r, 3) + L(r, 2) + D(r, 5)),
        new("Taurus", "BR", 6, [("G2C", "9x19mm", "pistol"), ("PT92", "9x19mm", "pistol"), ("Model 85", ".38 Special", "revolver")],
            r => L(r, 3) + D(r, 5)),
        new("Norinco", "CN", 4, [("Type 56", "7.62x39mm", "assault-rifle"), ("NP22", "9x19mm", "pistol")],
            r => D(r, 8)),
        new("Heckler & Koch", "DE", 3, [("MP5", "9x19mm", "submachine-gun"), ("G3", "7.62x51mm", "rifle"), ("USP", ".45 ACP", "pistol")],
            r => D(r, 2) + "-" + D(r, 6)),
        new("Remington", "US", 4, [("870", "12 gauge", "shotgun"), ("700", ".308 Winchester", "rifle")],
            r => L(r, 1) + D(r, 6) + L(r, 1)),
        new("Mossberg", "US", 3, [("500", "12 gauge", "shotgun"), ("590", "12 gauge", "shotgun")],
            r => L(r, 1) + D(r, 7)),
        new("Zastava", "RS", 3, [("M70", "7.62x39mm", "assault-rifle"), ("CZ99", "9x19mm", "pistol")],
            r => D(r, 6)),
    ];

    private static readonly int TotalWeight = Makers.Sum(m => m.Weight);

    public static readonly string[] Countries =
    [
        "FR", "DE", "US", "BE", "NL", "IT", "ES", "PT", "GB", "IE", "AT", "CH", "PL", "CZ", "SK", "HU", "RO", "BG", "SE", "NO", "DK",
        "FI", "GR", "RS", "BA", "HR", "SI", "AL", "MK", "UA", "MD", "TR", "MA", "DZ", "TN", "EG", "ZA", "NG", "KE", "GH", "SN", "CM",
        "BR", "MX", "CO", "AR", "CL", "PE", "VE", "CA", "AU", "NZ", "JP", "KR", "PH", "TH", "MY", "ID", "IN", "PK",
    ];

    public static readonly string[] Places =
    [
        "Lyon", "Marseille", "Hamburg", "Munich", "Chicago", "Houston", "Antwerp", "Rotterdam", "Naples", "Madrid", "Lisbon",
        "Manchester", "Dublin", "Vienna", "Geneva", "Warsaw", "Prague", "Stockholm", "Athens", "Belgrade", "Odesa", "Istanbul",
        "Casablanca", "Johannesburg", "Lagos", "Nairobi", "Sao Paulo", "Tijuana", "Medellin", "Buenos Aires", "Toronto", "Sydney",
    ];

    private static readonly (string Status, int Weight)[] Statuses =
        [("stolen", 45), ("lost", 15), ("seized", 15), ("recovered", 10), ("trafficked", 8), ("smuggled", 7)];

    private static readonly string[] OtherLocations = ["slide", "barrel", "frame", "receiver"];

    public static Maker PickMaker(Random random)
    {
        var pick = random.Next(TotalWeight);
        foreach (var maker in Makers)
        {
            if ((pick -= maker.Weight) < 0)
            {
                return maker;
            }
        }
        return Makers[^1];
    }

    public static string Status(Random random)
    {
        var pick = random.Next(100);
        foreach (var (status, weight) in Statuses)
        {
            if ((pick -= weight) < 0)
            {
                return status;
            }
        }
        return "stolen";
    }

    /// <summary>The serial as a national system recorded it: mostly as marked, sometimes lower-case, spaced or hyphenated.</summary>
    public static string AsEntered(Random random, string serial)
    {
        var roll = random.Next(100);
        if (roll < 8)
        {
            return serial.ToLowerInvariant();
        }
        if (roll < 14 && serial.Length > 4)
        {
            var at = 2 + random.Next(serial.Length - 3);
            return serial[..at] + (random.Next(2) == 0 ? " " : "-") + serial[at..];
        }
        return serial;
    }

    /// <summary>Serials on other parts: usually the main one again, sometimes one character off, sometimes another number.</summary>
    public static void AddOtherSerials(Random random, string serial, List<OtherSerial> others)
    {
        var count = 1 + (random.Next(4) == 0 ? 1 : 0);
        var first = random.Next(OtherLocations.Length);
        for (var i = 0; i < count; i++)
        {
            var location = OtherLocations[(first + i) % OtherLocations.Length];
            var roll = random.Next(100);
            var value = roll < 60 ? serial
                : roll < 85 ? Substitute(random, serial)
                : serial[..Math.Max(1, serial.Length - 3)] + D(random, 3);
            others.Add(new OtherSerial(location, value));
        }
    }

    private static string Substitute(Random random, string serial)
    {
        var chars = serial.ToCharArray();
        var at = random.Next(chars.Length);
        chars[at] = char.IsDigit(chars[at]) ? (char)('0' + random.Next(10)) : Letters[random.Next(Letters.Length)];
        return new string(chars);
    }

    private static string L(Random random, int count)
    {
        var sb = new StringBuilder(count);
        for (var i = 0; i < count; i++)
        {
            sb.Append(Letters[random.Next(Letters.Length)]);
        }
        return sb.ToString();
    }

    private static string D(Random random, int count)
    {
        var sb = new StringBuilder(count);
        for (var i = 0; i < count; i++)
        {
            sb.Append((char)('0' + random.Next(10)));
        }
        return sb.ToString();
    }
}
