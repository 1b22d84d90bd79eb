using System.Data.Common;
using Dapper;
using Microsoft.Data.SqlClient;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace IArms.Api.Data;

/// <summary>
/// The database, for features: opens a <see cref="SqlSession"/> on the primary (<see cref="PrimaryAsync"/>, or
/// <see cref="WriteAsync"/> for a transaction) or on the readable secondary (<see cref="ReadAsync"/>), with the
/// configured provider's <see cref="ISqlDialect"/>. Features never see which engine is behind it.
/// </summary>
public sealed class Db : IDisposable
{
    private readonly SqliteSessionPool _sessions = new();
    private readonly SqliteSessionPool _readOnlySessions;
    private readonly string _connectionString;
    private readonly string _readOnlyConnectionString;
    private readonly SqliteWriter? _writer;

    // Physical SQLite connections already configured: pooled opens reuse them, and their settings persist.
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<object, object> Configured = [];

    public Db(IOptions<DatabaseOptions> options, IConfiguration configuration)
    {
        Provider = options.Value.Provider;
        _connectionString = ConnectionStrings.Resolve(Provider, configuration.GetConnectionString("IArms"));
        var readOnly = configuration.GetConnectionString("IArmsReadOnly");
        _readOnlyConnectionString = string.IsNullOrWhiteSpace(readOnly) ? _connectionString : readOnly;
        _readOnlySessions = _readOnlyConnectionString == _connectionString ? _sessions : new SqliteSessionPool();
        if (Provider == DatabaseProvider.Sqlite)
        {
            SqliteRuntime.Configure(); // before the first connection opens
            _writer = new SqliteWriter(
                async () => new SqliteStatements((SqliteConnection)await OpenAsync(_connectionString, CancellationToken.None)),
                options.Value.MaxQueuedWrites, _connectionString);
        }
    }

    /// <summary>The SQLite writer, for tests of its batching.</summary>
    internal SqliteWriter? Writer => _writer;

    public DatabaseProvider Provider { get; }

    /// <summary>How this provider spells what differs between engines.</summary>
    public ISqlDialect Dialect => SqlDialects.For(Provider);

    /// <summary>
    /// A session for reads that may lag a little: on SQL Server the readable secondary when <c>IArmsReadOnly</c>
    /// is set, else the primary. A read that must see the caller's own writes uses <see cref="PrimaryAsync"/>.
    /// </summary>
    public Task<SqlSession> ReadAsync(CancellationToken ct) => SessionAsync(readOnly: true, ct);

    /// <summary>A session on the primary, each statement committing on its own.</summary>
    public Task<SqlSession> PrimaryAsync(CancellationToken ct) => SessionAsync(readOnly: false, ct);

    /// <summary>
    /// A session on the primary inside one transaction: <see cref="SqlSession.CommitAsync"/> or it rolls back. On SQLite
    /// the transaction is a savepoint in the single writer's shared transaction (<see cref="SqliteWriter"/>), and
    /// <see cref="SqlSession.CommitAsync"/> returns once the shared commit is durable; when too many writes are queued
    /// it throws <see cref="ServiceUnavailableException"/> at once. On SQL Server it is the session's own transaction.
    /// </summary>
    public Task<SqlSession> WriteAsync(CancellationToken ct) => OpenWriteAsync(exempt: false, ct);

    /// <summary>As <see cref="WriteAsync"/>, but never refused for a full queue: for the audit's group commit.</summary>
    internal Task<SqlSession> WriteExemptAsync(CancellationToken ct) => OpenWriteAsync(exempt: true, ct);

    /// <summary>
    /// As <see cref="WriteAsync"/>, for a session that changes many pages (an import's chunk, a rebuild): on SQLite it
    /// runs in a transaction of its own, committed when it commits, instead of a savepoint of the shared one, so that
    /// SQLite keeps no journal of the pages it changes (the writer keeps savepoint journals in memory). The sessions
    /// queued before it commit first. On SQL Server it is <see cref="WriteAsync"/>.
    /// </summary>
    public Task<SqlSession> WriteAloneAsync(CancellationToken ct) => OpenWriteAsync(exempt: false, ct, alone: true);

    private async Task<SqlSession> OpenWriteAsync(bool exempt, CancellationToken ct, bool alone = false)
    {
        if (_writer is not null)
        {
            return await _writer.BeginAsync(Dialect, exempt, ct, alone);
        }
        var session = await SessionAsync(readOnly: false, ct);
        try
        {
            await session.BeginAsync();
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A session on the readable side inside one read transaction, so that every statement sees the same snapshot (an
    /// export). SQLite: a deferred transaction, which takes no write lock. SQL Server: snapshot isolation, which the
    /// database must allow (<c>ALTER DATABASE ... SET ALLOW_SNAPSHOT_ISOLATION ON</c>, outside a transaction, so not a migration).
    /// </summary>
    public async Task<SqlSession> SnapshotAsync(CancellationToken ct)
    {
        var session = await SessionAsync(readOnly: true, ct);
        try
        {
            await session.BeginSnapshotAsync();
            return session;
        }
        catch
        {
            await session.DisposeAsync();
            throw;
        }
    }

    private static readonly Sql Ping = new("SELECT 1");

    /// <summary>Runs a trivial statement on the primary: throws when the database does not answer.</summary>
    public async Task PingAsync(CancellationToken ct)
    {
        await using var session = await PrimaryAsync(ct);
        await session.QuerySingleAsync<int>(Ping);
    }

    private async Task<SqlSession> SessionAsync(bool readOnly, CancellationToken ct)
    {
        var connectionString = readOnly ? _readOnlyConnectionString : _connectionString;
        if (Provider == DatabaseProvider.SqlServer)
        {
            return new SqlSession(Dialect, await OpenAsync(connectionString, ct), null, null, ct);
        }
        var pool = readOnly ? _readOnlySessions : _sessions;
        var statements = pool.Take() ?? new SqliteStatements((SqliteConnection)await OpenAsync(connectionString, ct));
        return new SqlSession(Dialect, statements.Connection, statements, pool, ct, _writer);
    }

    public string ConnectionString => _connectionString;

    public void Dispose()
    {
        // The writer first: the sessions still queued for it finish, and their batch commits, before anything closes.
        _writer?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _sessions.Dispose();
        _readOnlySessions.Dispose();
    }

    private async Task<DbConnection> OpenAsync(string connectionString, CancellationToken ct)
    {
        DbConnection connection = Provider == DatabaseProvider.SqlServer
            ? new SqlConnection(connectionString)
            : new SqliteConnection(connectionString);
        try
        {
            await connection.OpenAsync(ct);
            if (connection is SqliteConnection sqlite && !Configured.TryGetValue(sqlite.Handle!, out _))
            {
                // Per-connection settings, once per physical connection: a commit is acknowledged only once
                // it is on disk; writers queue behind each other instead of failing with SQLITE_BUSY; and each
                // connection caches 16 MiB of pages. (Memory-mapping was measured slower: the audit log grows
                // the file continually, and every growth makes every connection remap it.)
                await connection.ExecuteAsync("PRAGMA synchronous = FULL; PRAGMA busy_timeout = 10000; PRAGMA cache_size = -16384;");
                Configured.AddOrUpdate(sqlite.Handle!, true);
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}

/// <summary>Defaults and normalisation of the <c>IArms</c> connection string.</summary>
public static class ConnectionStrings
{
    public const string DefaultSqlite = "Data Source=data/iarms.db";

    public static string Resolve(DatabaseProvider provider, string? configured)
    {
        if (provider == DatabaseProvider.SqlServer)
        {
            return string.IsNullOrWhiteSpace(configured)
                ? throw new InvalidOperationException(
                    "ConnectionStrings:IArms must be set when Database:Provider is SqlServer.")
                : configured;
        }

        var builder = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured) ? DefaultSqlite : configured)
        {
            ForeignKeys = true,
            Pooling = true,
        };
        // The folder of the database file is created on demand so that a fresh clone just runs.
        var folder = Path.GetDirectoryName(Path.GetFullPath(builder.DataSource));
        if (!string.IsNullOrEmpty(folder) && builder.DataSource != ":memory:")
        {
            Directory.CreateDirectory(folder);
        }
        return builder.ToString();
    }
}
