using System.Collections;
using System.Data.Common;
using Dapper;
using IArms.Api.Operations;
using Microsoft.Data.Sqlite;

namespace IArms.Api.Data;

/// <summary>
/// The one way features run SQL: a connection (and, for <see cref="Db.WriteAsync"/>, its transaction) opened by
/// <see cref="Db"/>, on which every statement is a <see cref="Sql"/> and an anonymous object of parameters, in
/// Dapper's shape and with Dapper's mapping (<c>snake_case</c> columns land in PascalCase properties). Lists are
/// passed as <see cref="SqlList.Of"/>; a sequence of parameter objects runs a statement once per element. The
/// cancellation token given when the session was opened reaches every statement.
/// </summary>
/// <remarks>
/// On SQLite the connection comes from a small pool of its own and keeps one prepared command per statement
/// text: compiling was a large share of a search's work, and keeping statements prepared raised exact-search
/// throughput by a third (docs/benchmarks.md). Callers never see the difference.
/// </remarks>
public sealed class SqlSession : IAsyncDisposable
{
    private readonly ISqlDialect _dialect;
    private readonly DbConnection _connection;
    private readonly SqliteStatements? _statements;
    private readonly SqliteSessionPool? _pool;
    private readonly SqliteWriter? _writer;
    private readonly bool _onWriter;
    private DbTransaction? _transaction;
    private bool _disposed;

    // writer: on SQLite, the single writer. A session it opened (shared = its shared transaction) runs in a savepoint
    // of that transaction; any other session sends its writing statements through it, each committing on its own.
    internal SqlSession(ISqlDialect dialect, DbConnection connection, SqliteStatements? statements, SqliteSessionPool? pool,
        CancellationToken ct, SqliteWriter? writer = null, DbTransaction? shared = null)
    {
        _dialect = dialect;
        _connection = connection;
        _statements = statements;
        _pool = pool;
        _writer = writer;
        _onWriter = shared is not null;
        _transaction = shared;
        Cancellation = ct;
    }

    public ISqlDialect Dialect => _dialect;

    /// <summary>The connection underneath, for tests of the pooling; features never touch it.</summary>
    internal DbConnection Connection => _disposed ? throw new ObjectDisposedException(nameof(SqlSession)) : _connection;

    /// <summary>The token every statement of this session runs with.</summary>
    public CancellationToken Cancellation { get; }

    /// <summary>True inside <see cref="Db.WriteAsync"/> until committed.</summary>
    public bool InTransaction => _transaction is not null;

    internal async Task BeginAsync() => _transaction = await _connection.BeginTransactionAsync(Cancellation);

    internal async Task BeginSnapshotAsync() => _transaction = _connection is SqliteConnection sqlite
        ? sqlite.BeginTransaction(deferred: true)
        : await _connection.BeginTransactionAsync(System.Data.IsolationLevel.Snapshot, Cancellation);

    public async Task<List<T>> QueryAsync<T>(Sql sql, object? args = null)
    {
        var text = sql.For(_dialect);
        if (RoutesToWriter(text))
        {
            await using var write = await _writer!.BeginAsync(_dialect, exempt: false, Cancellation);
            var rows = await write.QueryAsync<T>(sql, args);
            await write.CommitAsync();
            return rows;
        }
        using var span = StartSpan(sql);
        if (_statements is not null && SessionParameters.CanBind(args))
        {
            return await Run(span, () => _statements.Query<T>(text, args, _transaction));
        }
        return await Guard(span, async () =>
            (await _connection.QueryAsync<T>(new CommandDefinition(text, args, _transaction, cancellationToken: Cancellation))).AsList());
    }

    public async Task<T?> QueryFirstOrDefaultAsync<T>(Sql sql, object? args = null) =>
        await QueryAsync<T>(sql, args) is [var first, ..] ? first : default;

    /// <summary>The one row, or the default when there is none; more than one is a bug in the statement.</summary>
    public async Task<T?> QuerySingleOrDefaultAsync<T>(Sql sql, object? args = null) => await QueryAsync<T>(sql, args) switch
    {
        [] => default,
        [var one] => one,
        _ => throw new InvalidOperationException("The statement answered more than one row where one was expected."),
    };

    public async Task<T> QuerySingleAsync<T>(Sql sql, object? args = null) => await QueryAsync<T>(sql, args) switch
    {
        [var one] => one,
        var rows => throw new InvalidOperationException($"The statement answered {rows.Count} rows where exactly one was expected."),
    };

    /// <summary>Runs a statement, once per element when <paramref name="args"/> is a sequence; answers the rows affected.</summary>
    public async Task<int> ExecuteAsync(Sql sql, object? args = null)
    {
        if (args is IEnumerable many and not string)
        {
            var total = 0;
            foreach (var one in many)
            {
                total += await ExecuteAsync(sql, one);
            }
            return total;
        }
        var text = sql.For(_dialect);
        if (RoutesToWriter(text))
        {
            await using var write = await _writer!.BeginAsync(_dialect, exempt: false, Cancellation);
            var affected = await write.ExecuteAsync(sql, args);
            await write.CommitAsync();
            return affected;
        }
        using var span = StartSpan(sql);
        if (_statements is not null && SessionParameters.CanBind(args))
        {
            return await Run(span, () => _statements.Prepare(text, args, _transaction).ExecuteNonQuery());
        }
        return await Guard(span, () => _connection.ExecuteAsync(new CommandDefinition(text, args, _transaction, cancellationToken: Cancellation)));
    }

    /// <summary>Commits the transaction opened by <see cref="Db.WriteAsync"/>; disposing without it rolls back.</summary>
    public async Task CommitAsync()
    {
        var tx = _transaction ?? throw new InvalidOperationException("This session has no transaction to commit.");
        if (_onWriter)
        {
            // Not the session's own transaction: its savepoint is kept, and this waits for the shared commit.
            _transaction = null;
            await _writer!.EndAsync(commit: true);
            return;
        }
        await tx.CommitAsync(Cancellation);
        await tx.DisposeAsync();
        _transaction = null;
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (_onWriter)
        {
            if (_transaction is not null)
            {
                _transaction = null;
                await _writer!.EndAsync(commit: false); // rolls back this session's savepoint only
            }
            return;
        }
        if (_transaction is not null)
        {
            try
            {
                await _transaction.DisposeAsync(); // rolls back
            }
            catch
            {
                if (_statements is not null)
                {
                    _statements.Broken = true;
                }
                throw;
            }
            finally
            {
                _transaction = null;
                await ReleaseAsync();
            }
            return;
        }
        await ReleaseAsync();
    }

    private async ValueTask ReleaseAsync()
    {
        if (_statements is not null)
        {
            _pool!.Return(_statements);
        }
        else
        {
            await _connection.DisposeAsync();
        }
    }

    // A session outside any transaction (PrimaryAsync) on SQLite: a statement that writes commits through the writer,
    // on its own, so that it neither waits on the write lock nor takes it from under the writer's batch.
    private bool RoutesToWriter(string text) =>
        _writer is not null && !_onWriter && _transaction is null && _writer.Writes((SqliteConnection)_connection, text);

    /// <summary>A span named by the statement (never its parameters), when something traces.</summary>
    private System.Diagnostics.Activity? StartSpan(Sql sql)
    {
        var span = Telemetry.Source.StartActivity(sql.Name, System.Diagnostics.ActivityKind.Client);
        if (span is not null)
        {
            span.SetTag("db.system.name", _statements is null ? "microsoft.sql_server" : "sqlite");
            span.SetTag("db.query.summary", sql.Name);
        }
        return span;
    }

    // SQLite runs synchronously; the Task is only the shape the callers share with SQL Server.
    private Task<TResult> Run<TResult>(System.Diagnostics.Activity? span, Func<TResult> statement)
    {
        if (Cancellation.IsCancellationRequested)
        {
            return Task.FromCanceled<TResult>(Cancellation);
        }
        try
        {
            return Task.FromResult(statement());
        }
        catch (Exception e)
        {
            Failed(span, e);
            _statements!.Broken = true;
            return Task.FromException<TResult>(e);
        }
    }

    private async Task<TResult> Guard<TResult>(System.Diagnostics.Activity? span, Func<Task<TResult>> statement)
    {
        try
        {
            return await statement();
        }
        catch (Exception e)
        {
            Failed(span, e);
            if (_statements is not null)
            {
                // A pooled SQLite connection that saw a failure is closed rather than reused.
                _statements.Broken = true;
            }
            throw;
        }
    }

    /// <summary>Marks the statement's span failed, with the error's type only: a message can quote the values.</summary>
    private static void Failed(System.Diagnostics.Activity? span, Exception e) =>
        span?.SetStatus(System.Diagnostics.ActivityStatusCode.Error, e.GetType().Name);
}
