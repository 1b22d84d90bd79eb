using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using IArms.Api.Agencies;
using IArms.Api.Data;
using IArms.Api.Firearms;
using IArms.Api.Search;
using IArms.Core.Serials;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SQLitePCL;

namespace IArms.Benchmarks;

/// <summary>
/// <c>generate --records N --database PATH [--seed S] [--chains-share F]</c>: a migrated SQLite database
/// holding N synthetic records, written row for row as the API would write them (firearm,
/// firearm_visibility, firearm_serial, serial_key), plus agencies and one search key for load tests
/// (<see cref="BenchKey"/>). With <c>--chains-share</c>, that share of the records also gets a custody
/// chain (custody_event) and planted scenarios are written, with their ground truth in
/// <c>PATH.planted.json</c> (see <see cref="ChainGenerator"/>). The same seed gives the same database.
/// </summary>
/// <remarks>
/// Speed comes from bulk-load settings that are only safe for a file nobody else uses yet
/// (no journal, no fsync, exclusive lock), from building the secondary indexes after the rows are in
/// (the index DDL is taken from the migrated schema, so it stays the app's own), and from inserting
/// <c>serial_key</c> in key order, which turns its B-tree inserts into appends.
/// </remarks>
public static class DataGenerator
{
    /// <summary>The API key (role <c>search</c>, agency <c>FR-NCB</c>) that benchmark scripts send.</summary>
    public const string BenchKey = "bench-search-key-000000000000000001";

    private const int CommitEvery = 500_000;
    private const string Usage =
        "generate --records N (--database PATH [--chains-share F (0..1, default 0)] [--indexes-in-place] | --file PATH.ndjson|PATH.csv [--agency CODE]) [--seed S]";

    /// <summary>With <c>--indexes-in-place</c>: records per batch of serial keys, sorted and inserted together (an import's chunk).</summary>
    private const int KeysEvery = 500;
    private static readonly DateTimeOffset Epoch = new(2015, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static int Run(string[] args)
    {
        long records = 1_000_000;
        string? database = null;
        string? importFile = null;
        var agency = "FR-NCB";
        var seed = 42;
        var chainsShare = 0.0;
        var indexesInPlace = false;
        for (var i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--records": records = long.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--database": database = args[++i]; break;
                case "--seed": seed = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--chains-share": chainsShare = double.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--file": importFile = args[++i]; break;
                case "--agency": agency = args[++i]; break;
                case "--indexes-in-place": indexesInPlace = true; break;
                default:
                    Console.Error.WriteLine($"Unknown argument {args[i]}. Usage: {Usage}");
                    return 2;
            }
        }
        if (importFile is not null && records >= 1)
        {
            return ImportFileGenerator.Write(records, importFile, agency, seed);
        }
        if (database is null || records < 1 || chainsShare is < 0 or > 1)
        {
            Console.Error.WriteLine($"Usage: {Usage}");
            return 2;
        }

        var total = Stopwatch.StartNew();
        var path = Path.GetFullPath(database);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        foreach (var file in new[] { path, path + "-wal", path + "-shm" })
        {
            File.Delete(file);
        }

        Migrate(path);
        Console.WriteLine($"[{total.Elapsed:mm\\:ss}] migrated {path}");

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        connection.Open();
        Exec(connection, "PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA locking_mode = EXCLUSIVE; " +
                         "PRAGMA cache_size = -1000000; PRAGMA temp_store = MEMORY;");

        // Secondary indexes are built after the load: one sort each instead of millions of random inserts. With
        // --indexes-in-place they stay, and serial keys are inserted every KeysEvery records (sorted within the batch),
        // as an online writer must: the baseline the import is measured against (issue 14), no journal, no fsync.
        var indexes = indexesInPlace ? [] : Query(connection,
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ('firearm', 'firearm_serial')");
        foreach (var (name, _) in indexes)
        {
            Exec(connection, $"DROP INDEX {name}");
        }

        var agencies = InsertAgencies(connection);
        var keys = new KeyBuffer(indexesInPlace ? KeysEvery * 32 : checked((int)Math.Min(int.MaxValue / 2, records * 24)));
        var chains = new ChainGenerator(records, chainsShare, seed, agencies);
        InsertRecords(connection, records, seed, agencies, chains, keys, total, indexesInPlace);

        if (keys.Count > 0)
        {
            Console.WriteLine($"[{total.Elapsed:mm\\:ss}] sorting {keys.Count:N0} serial keys");
            keys.Sort();
            InsertKeys(connection, keys, total, inTransaction: false);
        }
        keys = null!;

        foreach (var (name, sql) in indexes)
        {
            Exec(connection, sql);
            Console.WriteLine($"[{total.Elapsed:mm\\:ss}] index {name}");
        }

        // Back to what the service expects of its file.
        Exec(connection, "PRAGMA locking_mode = NORMAL; PRAGMA journal_mode = WAL;");
        connection.Close();
        if (chainsShare > 0)
        {
            chains.WriteGroundTruth(path);
        }

        Console.WriteLine($"[{total.Elapsed:mm\\:ss}] done: {records:N0} records, {chains.Chains:N0} chains, {chains.Events:N0} custody events, {new FileInfo(path).Length / 1048576.0:N0} MiB, {total.Elapsed.TotalSeconds:N0} s");
        return 0;
    }

    private static void Migrate(string path)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:IArms"] = $"Data Source={path}" })
            .Build();
        var db = new Db(Options.Create(new DatabaseOptions { Provider = DatabaseProvider.Sqlite }), configuration);
        new Migrator(db, NullLogger<Migrator>.Instance).Migrate();
        SqliteConnection.ClearAllPools();
    }

    private static List<AgencyRow> InsertAgencies(SqliteConnection connection)
    {
        (string Code, string Name, string Country)[] agencies =
        [
            ("FR-NCB", "INTERPOL NCB Paris", "FR"), ("DE-BKA", "Bundeskriminalamt", "DE"), ("US-ATF", "Bureau of Alcohol, Tobacco, Firearms and Explosives", "US"),
            ("US-FBI", "FBI NCIC", "US"), ("BE-FPP", "Belgian Federal Police", "BE"), ("NL-NP", "Nationale Politie", "NL"),
            ("IT-CC", "Arma dei Carabinieri", "IT"), ("ES-GC", "Guardia Civil", "ES"), ("PT-PJ", "Policia Judiciaria", "PT"),
            ("GB-NCA", "National Crime Agency", "GB"), ("IE-AGS", "An Garda Siochana", "IE"), ("AT-BK", "Bundeskriminalamt Wien", "AT"),
            ("CH-FEDPOL", "Federal Office of Police", "CH"), ("PL-KGP", "Komenda Glowna Policji", "PL"), ("CZ-PCR", "Policie CR", "CZ"),
            ("SE-NOA", "Polismyndigheten NOA", "SE"), ("FI-KRP", "Keskusrikospoliisi", "FI"), ("GR-HP", "Hellenic Police", "GR"),
            ("RS-MUP", "Ministry of Interior Serbia", "RS"), ("BA-SIPA", "SIPA", "BA"), ("UA-NP", "National Police of Ukraine", "UA"),
            ("TR-EGM", "Emniyet Genel Mudurlugu", "TR"), ("MA-DGSN", "DGSN Maroc", "MA"), ("ZA-SAPS", "South African Police Service", "ZA"),
            ("NG-NPF", "Nigeria Police Force", "NG"), ("KE-NPS", "National Police Service", "KE"), ("BR-PF", "Policia Federal", "BR"),
            ("MX-FGR", "Fiscalia General", "MX"), ("CO-DIJIN", "DIJIN", "CO"), ("AR-PFA", "Policia Federal Argentina", "AR"),
            ("CA-RCMP", "Royal Canadian Mounted Police", "CA"), ("AU-AFP", "Australian Federal Police", "AU"), ("JP-NPA", "National Police Agency", "JP"),
            ("PH-PNP", "Philippine National Police", "PH"), ("TH-RTP", "Royal Thai Police", "TH"), ("IN-CBI", "Central Bureau of Investigation", "IN"),
        ];
        var rows = new List<AgencyRow>();
        var now = Epoch.AddYears(-1);
        using var tx = connection.BeginTransaction();
        foreach (var (code, name, country) in agencies)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "INSERT INTO agency (code, name, country_code, created_at) VALUES ($code, $name, $country, $now) RETURNING id";
            command.Parameters.AddWithValue("$code", code);
            command.Parameters.AddWithValue("$name", name);
            command.Parameters.AddWithValue("$country", country);
            command.Parameters.AddWithValue("$now", now);
            rows.Add(new AgencyRow((long)command.ExecuteScalar()!, code, country));
        }
        using (var key = connection.CreateCommand())
        {
            key.CommandText = """
                INSERT INTO api_key (agency_id, key_hash, key_prefix, roles, label, created_at)
                VALUES ($agency, $hash, $prefix, 'analysis,record,search', 'benchmark', $now)
                """;
            key.Parameters.AddWithValue("$agency", rows[0].Id);
            key.Parameters.AddWithValue("$hash", ApiKeys.Hash(BenchKey));
            key.Parameters.AddWithValue("$prefix", ApiKeys.DisplayPrefix(BenchKey));
            key.Parameters.AddWithValue("$now", now);
            key.ExecuteNonQuery();
        }
        tx.Commit();
        return rows;
    }

    private static void InsertRecords(
        SqliteConnection connection, long records, int seed, List<AgencyRow> agencies, ChainGenerator chains, KeyBuffer keys, Stopwatch total,
        bool keysInBatches)
    {
        var random = new Random(seed);
        var firearm = Prepare(connection, """
            INSERT INTO firearm (id, owner_agency_id, external_id, serial_number, normalized_serial, canonical_serial, other_serials,
                make, model, calibre, type, canonical_make, canonical_calibre, country_of_manufacture, year_of_manufacture,
                import_marking, status, event_date, event_country_code, event_place, case_reference, obliterated_serial,
                visibility_scope, notes, content_hash, created_at, updated_at, withdrawn_at, version)
            VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8, $p9, $p10, NULL, NULL, $p11, $p12, '', $p13, $p14, $p15,
                $p16, $p17, $p18, $p19, '', $p20, $p21, $p21, NULL, 1)
            """, 22);
        var visibility = Prepare(connection, "INSERT INTO firearm_visibility (firearm_id, country_code) VALUES ($p0, $p1)", 2);
        var serial = Prepare(connection,
            "INSERT INTO firearm_serial (id, firearm_id, location, serial, normalized, canonical, reversed, owner_agency_id, visibility_scope) VALUES ($p0, $p1, $p2, $p3, $p4, $p5, $p6, $p7, $p8)", 9);

        var tx = connection.BeginTransaction();
        Enlist(tx, firearm, visibility, serial);
        long serialId = 0;
        var others = new List<OtherSerial>(3);
        var hash = new byte[32];
        for (long id = 1; id <= records; id++)
        {
            var owner = agencies[random.Next(agencies.Count)];
            var planted = chains.TryGetPlanted(id, out var plant) ? plant : null;
            var maker = Shapes.PickMaker(random);
            var (model, calibre, type) = maker.Models[random.Next(maker.Models.Length)];
            var clean = maker.Serial(random);
            var entered = Shapes.AsEntered(random, clean);
            others.Clear();
            if (random.NextDouble() < 0.15)
            {
                Shapes.AddOtherSerials(random, clean, others);
            }
            var restricted = random.NextDouble() < 0.05;
            var created = Epoch.AddSeconds(random.NextInt64(0, 11L * 365 * 86400)).AddTicks(random.Next(10_000_000));
            random.NextBytes(hash);

            var p = firearm.Parameters;
            p[0].Value = id;
            p[1].Value = owner.Id;
            p[2].Value = $"{owner.Code}-{id:D9}";
            p[3].Value = entered;
            p[4].Value = SerialNormalizer.Normalize(entered);
            p[5].Value = SerialNormalizer.Canonical(entered);
            p[6].Value = others.Count == 0 ? "[]" : JsonSerializer.Serialize(others, FirearmQueries.Json);
            p[7].Value = maker.Make;
            p[8].Value = model;
            p[9].Value = calibre;
            p[10].Value = type;
            p[11].Value = maker.Country;
            p[12].Value = random.NextDouble() < 0.8 ? 1950 + random.Next(75) : DBNull.Value;
            p[13].Value = Shapes.Status(random);
            p[14].Value = DateOnly.FromDateTime(created.UtcDateTime.AddDays(-random.Next(60)));
            p[15].Value = random.NextDouble() < 0.7 ? owner.Country : Shapes.Countries[random.Next(Shapes.Countries.Length)];
            p[16].Value = random.NextDouble() < 0.6 ? Shapes.Places[random.Next(Shapes.Places.Length)] : "";
            p[17].Value = random.NextDouble() < 0.8 ? $"{owner.Country}-{created.Year}-{random.Next(1_000_000):D6}" : "";
            p[18].Value = random.NextDouble() < 0.02 ? 1 : 0;
            p[19].Value = restricted ? "countries" : "all";
            p[20].Value = Convert.ToHexString(hash);
            p[21].Value = created;
            if (planted is not null)
            {
                // Drawn as for any record (so the random stream does not shift), then overwritten.
                owner = planted.Owner;
                entered = planted.Serial ?? entered;
                others.Clear();
                restricted = false;
                created = new DateTimeOffset(planted.SeizedOn.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddDays(3 + random.Next(60));
                p[1].Value = owner.Id;
                p[2].Value = $"{owner.Code}-{id:D9}";
                p[3].Value = entered;
                p[4].Value = SerialNormalizer.Normalize(entered);
                p[5].Value = SerialNormalizer.Canonical(entered);
                p[6].Value = "[]";
                p[7].Value = planted.Make;
                p[8].Value = planted.Model;
                p[9].Value = planted.Calibre;
                p[10].Value = planted.Type;
                p[11].Value = planted.CountryOfManufacture;
                p[13].Value = "seized";
                p[14].Value = planted.SeizedOn;
                p[15].Value = planted.SeizedIn;
                // Each seizure is its own case, at its own place: that is what makes a lot a finding.
                p[16].Value = Shapes.Places[(int)(id % Shapes.Places.Length)];
                p[17].Value = $"{planted.SeizedIn}-{planted.SeizedOn.Year}-{id:D7}";
                p[19].Value = "all";
                p[21].Value = created;
            }

            firearm.ExecuteNonQuery();

            if (chains.WantsChain(id))
            {
                var events = planted?.Events ?? chains.NoiseChain(
                    maker.Make, maker.Country, p[12].Value is int year ? year : null, (string)p[13].Value!,
                    (DateOnly)p[14].Value!, (string)p[15].Value!, owner);
                chains.Write(connection, tx, id, events, owner, created);
            }

            if (restricted)
            {
                foreach (var country in Shapes.Countries.OrderBy(_ => random.Next()).Take(1 + random.Next(3)).Distinct())
                {
                    visibility.Parameters[0].Value = id;
                    visibility.Parameters[1].Value = country;
                    visibility.ExecuteNonQuery();
                }
            }

            // As SerialIndex writes them: main serial first, then the others, one row per (location, normalised form).
            WriteSerial(SerialIndex.MainLocation, entered);
            if (others.Count > 0)
            {
                var seen = new HashSet<(string, string)> { (SerialIndex.MainLocation, SerialNormalizer.Normalize(entered)) };
                foreach (var other in others)
                {
                    if (seen.Add((other.Location!, SerialNormalizer.Normalize(other.Value))))
                    {
                        WriteSerial(other.Location!, other.Value!);
                    }
                }
            }

            if (keysInBatches && (id % KeysEvery == 0 || id == records))
            {
                keys.Sort();
                InsertKeys(connection, keys, total, inTransaction: true);
                keys.Count = 0;
            }

            if (id % CommitEvery == 0)
            {
                tx.Commit();
                tx.Dispose();
                tx = connection.BeginTransaction();
                Enlist(tx, firearm, visibility, serial);
                Console.WriteLine($"[{total.Elapsed:mm\\:ss}] {id:N0} records, {serialId:N0} serials, {keys.Count:N0} keys");
            }

            void WriteSerial(string location, string value)
            {
                var normalized = SerialNormalizer.Normalize(value);
                if (normalized.Length == 0)
                {
                    return;
                }
                var canonical = SerialNormalizer.Canonicalize(normalized);
                serialId++;
                var s = serial.Parameters;
                s[0].Value = serialId;
                s[1].Value = id;
                s[2].Value = location;
                s[3].Value = value;
                s[4].Value = normalized;
                s[5].Value = canonical;
                s[6].Value = SerialNormalizer.Reversed(canonical);
                s[7].Value = owner.Id;
                s[8].Value = restricted ? "countries" : "all";
                serial.ExecuteNonQuery();
                foreach (var key in SerialKeys.ForSerial(canonical))
                {
                    keys.Add(key, serialId);
                }
            }
        }
        tx.Commit();
        tx.Dispose();
        Console.WriteLine($"[{total.Elapsed:mm\\:ss}] {records:N0} records, {serialId:N0} serials, {keys.Count:N0} keys");
    }

    /// <summary>serial_key in key order, through SQLite's C API: at 20-odd rows per record this is the bulk of the load.</summary>
    private static void InsertKeys(SqliteConnection connection, KeyBuffer keys, Stopwatch total, bool inTransaction)
    {
        const int RowsPerStatement = 200;
        var handle = connection.Handle!;
        var sql = "INSERT INTO serial_key (key_value, serial_id) VALUES " + string.Join(",", Enumerable.Repeat("(?,?)", RowsPerStatement));
        Check(handle, raw.sqlite3_prepare_v2(handle, sql, out var batch));
        Check(handle, raw.sqlite3_prepare_v2(handle, "INSERT INTO serial_key (key_value, serial_id) VALUES (?,?)", out var single));
        if (!inTransaction)
        {
            Exec(connection, "BEGIN");
        }
        var i = 0;
        for (; i + RowsPerStatement <= keys.Count; i += RowsPerStatement)
        {
            for (var j = 0; j < RowsPerStatement; j++)
            {
                raw.sqlite3_bind_int64(batch, 2 * j + 1, keys.Keys[i + j]);
                raw.sqlite3_bind_int64(batch, 2 * j + 2, keys.SerialIds[i + j]);
            }
            Step(handle, batch);
            if (!inTransaction && (i / RowsPerStatement) % 100_000 == 99_999)
            {
                Exec(connection, "COMMIT; BEGIN");
                Console.WriteLine($"[{total.Elapsed:mm\\:ss}] {i + RowsPerStatement:N0} / {keys.Count:N0} serial keys");
            }
        }
        for (; i < keys.Count; i++)
        {
            raw.sqlite3_bind_int64(single, 1, keys.Keys[i]);
            raw.sqlite3_bind_int64(single, 2, keys.SerialIds[i]);
            Step(handle, single);
        }
        if (!inTransaction)
        {
            Exec(connection, "COMMIT");
            Console.WriteLine($"[{total.Elapsed:mm\\:ss}] {keys.Count:N0} serial keys written");
        }
        batch.Dispose();
        single.Dispose();

        static void Step(sqlite3 handle, sqlite3_stmt statement)
        {
            var rc = raw.sqlite3_step(statement);
            if (rc != raw.SQLITE_DONE)
            {
                Check(handle, rc);
            }
            raw.sqlite3_reset(statement);
        }
    }

    private static void Check(sqlite3 handle, int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_DONE or raw.SQLITE_ROW))
        {
            throw new InvalidOperationException($"SQLite error {rc}: {raw.sqlite3_errmsg(handle).utf8_to_string()}");
        }
    }

    private static SqliteCommand Prepare(SqliteConnection connection, string sql, int parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        for (var i = 0; i < parameters; i++)
        {
            command.Parameters.Add(new SqliteParameter($"$p{i}", null));
        }
        return command;
    }

    private static void Enlist(SqliteTransaction tx, params SqliteCommand[] commands)
    {
        foreach (var command in commands)
        {
            command.Transaction = tx;
        }
    }

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static List<(string, string)> Query(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetString(1)));
        }
        return rows;
    }

    /// <summary>(key, serial id) pairs in two parallel arrays, sorted together before the insert.</summary>
    private sealed class KeyBuffer(int capacity)
    {
        public long[] Keys = new long[capacity];
        public int[] SerialIds = new int[capacity];
        public int Count;

        public void Add(long key, long serialId)
        {
            if (Count == Keys.Length)
            {
                var size = (int)Math.Min(Array.MaxLength, Keys.Length * 3L / 2);
                Array.Resize(ref Keys, size);
                Array.Resize(ref SerialIds, size);
            }
            Keys[Count] = key;
            SerialIds[Count++] = checked((int)serialId);
        }

        /// <summary>By key, then serial id: the primary-key order of the WITHOUT ROWID table.</summary>
        public void Sort()
        {
            // Serial ids are added in increasing order, so a stable sort by key gives the full order;
            // Array.Sort is not stable, so sort by key and then fix each run of equal keys.
            Array.Sort(Keys, SerialIds, 0, Count);
            var start = 0;
            for (var i = 1; i <= Count; i++)
            {
                if (i == Count || Keys[i] != Keys[start])
                {
                    if (i - start > 1)
                    {
                        Array.Sort(SerialIds, start, i - start);
                    }
                    start = i;
                }
            }
        }
    }
}

/// <summary>An agency row as the generator inserted it.</summary>
internal sealed record AgencyRow(long Id, string Code, string Country);
