using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using IArms.Api.Bulk;
using IArms.Api.Firearms;

namespace IArms.Benchmarks;

/// <summary>
/// <c>generate --records N --file PATH.ndjson|PATH.csv [--agency CODE] [--seed S]</c>: the same synthetic records the
/// database generator writes, as an import file for one agency (<c>POST /api/v1/imports</c>), in the import's columns.
/// </summary>
public static class ImportFileGenerator
{
    public static int Write(long records, string path, string agency, int seed)
    {
        var total = Stopwatch.StartNew();
        var csv = path.EndsWith(".csv", StringComparison.OrdinalIgnoreCase);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        using var writer = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 20);
        if (csv)
        {
            writer.Write(ImportColumns.Header + "\r\n");
        }
        var random = new Random(seed);
        var country = agency.Length >= 2 ? agency[..2] : "FR";
        for (long id = 1; id <= records; id++)
        {
            var maker = Shapes.PickMaker(random);
            var (model, calibre, type) = maker.Models[random.Next(maker.Models.Length)];
            var clean = maker.Serial(random);
            var others = new List<OtherSerial>();
            if (random.NextDouble() < 0.15)
            {
                Shapes.AddOtherSerials(random, clean, others);
            }
            var restricted = random.NextDouble() < 0.05;
            var year = random.NextDouble() < 0.8 ? 1950 + random.Next(75) : (int?)null;
            var eventDate = new DateOnly(2015, 1, 1).AddDays(random.Next(11 * 365));
            if (year > eventDate.Year)
            {
                // The API refuses an event before the year of manufacture.
                eventDate = new DateOnly(year.Value, 12, 31);
            }
            var record = new FirearmRequest(
                $"{agency}-{id:D9}", Shapes.AsEntered(random, clean), others, maker.Make, model, calibre, type, maker.Country,
                year, "", Shapes.Status(random), eventDate,
                random.NextDouble() < 0.7 ? country : Shapes.Countries[random.Next(Shapes.Countries.Length)],
                random.NextDouble() < 0.6 ? Shapes.Places[random.Next(Shapes.Places.Length)] : "",
                $"{country}-{eventDate.Year}-{random.Next(1_000_000):D6}", random.NextDouble() < 0.02,
                restricted ? new Visibility("countries", [.. Shapes.Countries.OrderBy(_ => random.Next()).Take(1 + random.Next(3)).Distinct()]) : new Visibility("all", null),
                "");
            writer.Write(csv ? ImportColumns.ToCsv(record) + "\r\n" : JsonSerializer.Serialize(record, FirearmQueries.Json) + "\n");
        }
        writer.Flush();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{total.Elapsed:mm\\:ss}] done: {records:N0} records for {agency} in {path}, {new FileInfo(path).Length / 1048576.0:N0} MiB"));
        return 0;
    }
}
