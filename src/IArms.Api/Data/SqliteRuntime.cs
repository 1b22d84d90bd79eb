namespace IArms.Api.Data;

/// <summary>
/// SQLite's process-wide settings, applied once, before the process opens its first SQLite connection. Memory
/// statistics are turned off. With them on (SQLite's default), every allocation and free of every connection takes one
/// process-wide mutex. A read transaction that starts after another connection's commit (a search's audit entry) drops
/// its page cache and allocates it again, so searches on other connections queued on that mutex: two-edit searches at
/// four connections on 1 M records ran at half the rate (see <c>docs/benchmarks.md</c>). The service reads no SQLite
/// memory statistic.
/// </summary>
public static class SqliteRuntime
{
    private const int ConfigMemoryStatistics = 9; // SQLITE_CONFIG_MEMSTATUS

    private static readonly Lazy<bool> Applied = new(() =>
    {
        SQLitePCL.Batteries_V2.Init();
        // SQLITE_MISUSE once SQLite is initialised, i.e. once any connection of this process has opened.
        return SQLitePCL.raw.sqlite3_config(ConfigMemoryStatistics, 0) == SQLitePCL.raw.SQLITE_OK;
    });

    /// <summary>
    /// Turns SQLite's memory statistics off, unless a connection has already opened in this process. Called before the
    /// first connection opens (by <see cref="Db"/>); later calls change nothing.
    /// </summary>
    public static void Configure() => _ = Applied.Value;

    /// <summary>Whether <see cref="Configure"/> turned the memory statistics off.</summary>
    public static bool MemoryStatisticsOff => Applied.IsValueCreated && Applied.Value;
}
