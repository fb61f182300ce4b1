using Dapper;
using Microsoft.Data.Sqlite;
using Nanogate.Storage.Migrations;

namespace Nanogate.Storage.Sqlite;

/// <summary>
/// The SQLite database file: opens tuned connections, applies migrations, and runs every write of the
/// process through one in-process writer that group-commits (SQLite has one writer at a time; queueing
/// in-process is far cheaper than spinning on SQLITE_BUSY, and one commit for many writes is far
/// cheaper than one each).
/// </summary>
public sealed class SqliteDatabase : IDisposable
{
    /// <summary>At most this many writes share one transaction (bounds how long one commit holds its callers).</summary>
    internal const int MaxBatch = 64;

    /// <summary>
    /// At most this many background writes join a transaction (a request write that arrives meanwhile
    /// waits for that transaction at most), and at most <see cref="MaxBackgroundWithRequests"/> when
    /// request writes are in it too (they complete only when their transaction commits).
    /// </summary>
    internal const int MaxBackgroundBatch = 16;

    /// <inheritdoc cref="MaxBackgroundBatch"/>
    internal const int MaxBackgroundWithRequests = 4;

    private const string Savepoint = "w";

    private readonly string _connectionString;

    // Guards _queue, _background, _draining and _disposed. Whenever _draining is false both queues are empty.
    private readonly Lock _gate = new();
    private readonly Queue<WriteItem> _queue = new();
    private readonly Queue<WriteItem> _background = new();
    private bool _draining;
    private bool _disposed;

    // Touched only by the single drainer (or by Dispose when there is none).
    private readonly List<WriteItem> _batch = new(MaxBatch);
    private readonly List<WriteItem> _succeeded = new(MaxBatch);
    private SqliteConnection? _writer;
    private long _commits;
    private long _writerOpens;

    /// <summary>Opens (creating if needed) <c>nanogate.db</c> in <paramref name="dataDirectory"/>.</summary>
    public SqliteDatabase(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        FilePath = Path.GetFullPath(Path.Combine(dataDirectory, "nanogate.db"));
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = FilePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();
    }

    /// <summary>Full path of the database file.</summary>
    public string FilePath { get; }

    /// <summary>Write transactions committed so far (one per batch); for tests.</summary>
    internal long Commits => Interlocked.Read(ref _commits);

    /// <summary>Times the writer connection was (re)opened; for tests.</summary>
    internal long WriterOpens => Interlocked.Read(ref _writerOpens);

    /// <summary>Opens a connection with the per-connection pragmas set.</summary>
    public async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken = default)
    {
        var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        using var pragma = connection.CreateCommand();
        pragma.CommandText = "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 10000;";
        await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return connection;
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a write transaction (BEGIN IMMEDIATE) and returns its result once
    /// that transaction has committed. All writes share one long-lived connection, and writes that queue
    /// while a transaction runs share the next one (group commit): each runs inside its own SAVEPOINT, so
    /// one that throws is rolled back alone and fails only its caller; the others commit together. (A
    /// write alone in its transaction, as at low load, runs without a savepoint, exactly as before.)
    /// </summary>
    /// <remarks>
    /// <para>
    /// Semantics for callers are those of a transaction of their own: <paramref name="work"/> sees
    /// what earlier writes committed or wrote before it (writes run one at a time, in arrival order),
    /// its changes are all-or-nothing, and the returned task completes only after the COMMIT that made
    /// them durable. If a transaction cannot be kept (BEGIN, COMMIT or a savepoint fails, or SQLite
    /// rolled the whole transaction back on an I/O, full-disk or similar error), every write of it that
    /// has not completed fails with that exception, and the writer connection is discarded so the next
    /// write opens a fresh one; writes of the batch not yet run go on in a new transaction.
    /// A constraint violation (or any other exception) inside one write, after which the transaction is
    /// still intact, fails only that write and keeps the connection.
    /// </para>
    /// <para>
    /// <paramref name="cancellationToken"/> cancels a write that has not started (it then never runs);
    /// once started, a write runs to completion. <paramref name="work"/> must not commit or roll back the
    /// transaction it is given, nor call <see cref="WriteAsync{T}"/> (it would wait on itself for ever).
    /// With no write in progress, a write runs at once on the caller's thread; under load the writes that
    /// queue meanwhile are run by a pool thread, in batches of at most <see cref="MaxBatch"/>.
    /// </para>
    /// </remarks>
    public Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken = default) =>
        Enqueue(work, background: false, cancellationToken);

    /// <summary>
    /// <see cref="WriteAsync{T}"/> for work nobody is waiting on interactively (task workers, webhook
    /// delivery, sweepers): queued writes of requests go first, and background writes fill a transaction
    /// only up to <see cref="MaxBackgroundBatch"/>, so a request's write waits for little of it.
    /// Relative order between the two lanes is not kept (writes that race each other have no order anyway);
    /// within a lane it is.
    /// </summary>
    public Task<T> WriteInBackgroundAsync<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken = default) =>
        Enqueue(work, background: true, cancellationToken);

    private Task<T> Enqueue<T>(Func<SqliteConnection, SqliteTransaction, Task<T>> work, bool background, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<T>(cancellationToken);
        }

        var item = new WriteItem<T>(work, cancellationToken);
        bool drain;
        lock (_gate)
        {
            if (_disposed)
            {
                item.TryStart(); // drops its cancellation registration
                return Task.FromException<T>(new ObjectDisposedException(nameof(SqliteDatabase)));
            }

            (background ? _background : _queue).Enqueue(item);
            drain = !_draining;
            _draining = true;
        }

        return drain ? DrainFirstAsync(item) : item.Task;
    }

    /// <summary>
    /// Runs the batch holding <paramref name="own"/> (nothing was queued before it) on the caller's
    /// thread, then hands what queued meanwhile to a pool thread, so this caller is not held by later ones.
    /// </summary>
    private async Task<T> DrainFirstAsync<T>(WriteItem<T> own)
    {
        await RunBatchAsync().ConfigureAwait(false);
        if (!EndDrainUnlessQueued())
        {
            // The drain serves everyone: it must not carry this caller's async-locals (log scopes, activity).
            using (ExecutionContext.SuppressFlow())
            {
                _ = Task.Run(DrainAsync);
            }
        }

        return await own.Task.ConfigureAwait(false);
    }

    /// <summary>Runs batches until the queue is empty.</summary>
    private async Task DrainAsync()
    {
        do
        {
            await RunBatchAsync().ConfigureAwait(false);
        }
        while (!EndDrainUnlessQueued());
    }

    /// <summary>Ends draining if nothing is queued (true), else keeps it (false: the caller drains on).</summary>
    private bool EndDrainUnlessQueued()
    {
        lock (_gate)
        {
            if (_queue.Count > 0 || _background.Count > 0)
            {
                return false;
            }

            _draining = false;
            if (_disposed)
            {
                _writer?.Dispose();
                _writer = null;
            }

            return true;
        }
    }

    /// <summary>Takes up to <see cref="MaxBatch"/> queued writes and runs them; never throws.</summary>
    private async Task RunBatchAsync()
    {
        lock (_gate)
        {
            while (_batch.Count < MaxBatch && _queue.TryDequeue(out var item))
            {
                _batch.Add(item);
            }

            var background = Math.Min(MaxBatch - _batch.Count, _batch.Count > 0 ? MaxBackgroundWithRequests : MaxBackgroundBatch);
            while (background-- > 0 && _background.TryDequeue(out var item))
            {
                _batch.Add(item);
            }
        }

        try
        {
            var next = 0;
            while (next < _batch.Count)
            {
                next = await RunTransactionAsync(next).ConfigureAwait(false);
            }
        }
        catch (Exception e)
        {
            // Not expected (RunTransactionAsync handles failures); never leave a caller hanging.
            foreach (var item in _batch)
            {
                item.Fail(e);
            }

            DiscardWriter();
        }
        finally
        {
            _batch.Clear();
            _succeeded.Clear();
        }
    }

    /// <summary>
    /// Runs the writes of the batch from <paramref name="start"/> in one transaction and commits it;
    /// returns the index of the first write not run (the batch's count when all were).
    /// </summary>
    private async Task<int> RunTransactionAsync(int start)
    {
        _succeeded.Clear();
        SqliteTransaction transaction;
        try
        {
            if (_writer is null)
            {
                var writer = await OpenAsync(CancellationToken.None).ConfigureAwait(false);

                // Savepoints journal the pages they change (to undo them); by default that journal spills
                // to a temporary file past 64 KiB, and a task's write touches more than that. Keep it in memory.
                await writer.ExecuteAsync("PRAGMA temp_store = MEMORY;").ConfigureAwait(false);
                _writer = writer;
                Interlocked.Increment(ref _writerOpens);
            }

            transaction = _writer.BeginTransaction(deferred: false);
        }
        catch (Exception e)
        {
            // No transaction: every write still pending fails as it would have on its own.
            for (var i = start; i < _batch.Count; i++)
            {
                if (_batch[i].TryStart())
                {
                    _batch[i].Fail(e);
                }
            }

            DiscardWriter();
            return _batch.Count;
        }

        // A write alone in its transaction (the usual case at low load) needs no savepoint: if it fails,
        // the whole transaction is rolled back, as before group commit. Savepoints are not free.
        var savepoints = _batch.Count - start > 1;
        var index = start;
        Exception? broken = null;
        for (; index < _batch.Count; index++)
        {
            var item = _batch[index];
            if (!item.TryStart())
            {
                continue;
            }

            broken = await RunItemAsync(item, transaction, savepoints).ConfigureAwait(false);
            if (broken is not null)
            {
                break;
            }
        }

        if (broken is not null)
        {
            // The transaction (or the connection) is gone, and with it what the earlier writes did.
            FailSucceeded(broken);
            DisposeQuietly(transaction);
            DiscardWriter();
            return index + 1;
        }

        if (_succeeded.Count == 0)
        {
            // Every write failed (each rolled back) or was canceled: nothing to commit.
            if (!DisposeQuietly(transaction))
            {
                DiscardWriter();
            }

            return index;
        }

        try
        {
            transaction.Commit();
        }
        catch (Exception e)
        {
            FailSucceeded(e);
            DisposeQuietly(transaction);
            DiscardWriter();
            return index;
        }

        transaction.Dispose();
        Interlocked.Increment(ref _commits);
        foreach (var item in _succeeded)
        {
            item.Complete();
        }

        _succeeded.Clear();
        return index;
    }

    /// <summary>
    /// Runs one write, inside a savepoint if <paramref name="savepoint"/> (else it is alone in the
    /// transaction). On success it joins <see cref="_succeeded"/> (completed after the commit); if it
    /// throws, what it did is rolled back (to its savepoint, or the whole transaction) and its caller fails
    /// now. Returns the exception that broke the transaction, if one did (the write has then failed too).
    /// </summary>
    private async Task<Exception?> RunItemAsync(WriteItem item, SqliteTransaction transaction, bool savepoint)
    {
        if (savepoint)
        {
            try
            {
                transaction.Save(Savepoint);
            }
            catch (Exception e)
            {
                item.Fail(e);
                return e;
            }
        }

        try
        {
            await item.RunAsync(_writer!, transaction).ConfigureAwait(false);
        }
        catch (Exception failure)
        {
            var intact = TryRollBack(transaction, savepoint);
            item.Fail(failure);
            return intact ? null : failure;
        }

        if (!savepoint)
        {
            _succeeded.Add(item);
            return null;
        }

        try
        {
            transaction.Release(Savepoint);
        }
        catch (Exception e)
        {
            item.Fail(e);
            return e;
        }

        _succeeded.Add(item);
        return null;
    }

    /// <summary>
    /// Undoes a failed write: back to its savepoint, or the whole transaction. False when the connection
    /// is suspect: SQLite had already rolled the transaction back itself (it does on SQLITE_FULL,
    /// SQLITE_IOERR, SQLITE_NOMEM and the like, unlike on a constraint violation), or undoing failed.
    /// </summary>
    private bool TryRollBack(SqliteTransaction transaction, bool toSavepoint)
    {
        try
        {
            if (_writer?.Handle is not { } handle || SQLitePCL.raw.sqlite3_get_autocommit(handle) != 0)
            {
                return false;
            }

            if (toSavepoint)
            {
                transaction.Rollback(Savepoint);
                transaction.Release(Savepoint);
            }
            else
            {
                transaction.Rollback();
            }

            return true;
        }
        catch (Exception)
        {
            return false;
        }
    }

    private void FailSucceeded(Exception e)
    {
        foreach (var item in _succeeded)
        {
            item.Fail(e);
        }

        _succeeded.Clear();
    }

    /// <summary>Rolls back what is left of a transaction; false if even that failed.</summary>
    private static bool DisposeQuietly(SqliteTransaction transaction)
    {
        try
        {
            transaction.Dispose();
            return true;
        }
        catch (Exception)
        {
            // Rolling back a transaction of a broken connection may fail; the connection goes next.
            return false;
        }
    }

    /// <summary>A broken connection must not poison every later write: the next one opens afresh.</summary>
    private void DiscardWriter()
    {
        try
        {
            _writer?.Dispose();
        }
        catch (Exception)
        {
            // Closing a broken connection may fail too; it is dropped either way.
        }

        _writer = null;
    }

    /// <summary>Runs a read on its own pooled connection (WAL readers never block the writer).</summary>
    public async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> work, CancellationToken cancellationToken = default)
    {
        await using var connection = new SqliteConnection(_connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await work(connection).ConfigureAwait(false);
    }

    /// <summary>Sets WAL mode and applies every embedded migration not yet applied, in order.</summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync("PRAGMA journal_mode = WAL;").ConfigureAwait(false);
        await connection.ExecuteAsync("CREATE TABLE IF NOT EXISTS schema_migrations (version TEXT PRIMARY KEY, applied_at INTEGER NOT NULL);").ConfigureAwait(false);
        var applied = (await connection.QueryAsync<string>("SELECT version FROM schema_migrations").ConfigureAwait(false)).ToHashSet(StringComparer.Ordinal);

        foreach (var (version, sql) in EmbeddedMigrations.Load("Sqlite"))
        {
            if (applied.Contains(version))
            {
                continue;
            }

            await using var transaction = connection.BeginTransaction(deferred: false);
            await connection.ExecuteAsync(sql, transaction: transaction).ConfigureAwait(false);
            // applied_at from the database's own clock (unix ms): a migration is the database's event, not the app's.
            await connection.ExecuteAsync(
                "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))",
                new { version },
                transaction).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Refuses new writes and closes the writer connection (at once, or when the writes already
    /// queued have run).
    /// </summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            if (!_draining)
            {
                _writer?.Dispose();
                _writer = null;
            }
        }

        SqliteConnection.ClearAllPools();
    }

    /// <summary>A queued write. Its task completes once, by the writer (after the commit) or by its cancellation.</summary>
    private abstract class WriteItem
    {
        private const int Queued = 0, Started = 1, Canceled = 2;
        private int _state;
        private CancellationTokenRegistration _registration;

        protected void Register(CancellationToken cancellationToken)
        {
            if (cancellationToken.CanBeCanceled)
            {
                _registration = cancellationToken.UnsafeRegister(static (s, token) => ((WriteItem)s!).Cancel(token), this);
            }
        }

        /// <summary>Claims the write for running; false when it was canceled first (it must not run).</summary>
        public bool TryStart()
        {
            if (Interlocked.CompareExchange(ref _state, Started, Queued) != Queued)
            {
                return false;
            }

            _registration.Unregister();
            return true;
        }

        private void Cancel(CancellationToken token)
        {
            if (Interlocked.CompareExchange(ref _state, Canceled, Queued) == Queued)
            {
                SetCanceled(token);
            }
        }

        public abstract Task RunAsync(SqliteConnection connection, SqliteTransaction transaction);

        /// <summary>Completes the caller's task with the result (after the commit).</summary>
        public abstract void Complete();

        public abstract void Fail(Exception exception);

        protected abstract void SetCanceled(CancellationToken token);
    }

    private sealed class WriteItem<T> : WriteItem
    {
        private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly Func<SqliteConnection, SqliteTransaction, Task<T>> _work;
        private T _result = default!;

        public WriteItem(Func<SqliteConnection, SqliteTransaction, Task<T>> work, CancellationToken cancellationToken)
        {
            _work = work;
            Register(cancellationToken);
        }

        public Task<T> Task => _completion.Task;

        public override async Task RunAsync(SqliteConnection connection, SqliteTransaction transaction) =>
            _result = await _work(connection, transaction).ConfigureAwait(false);

        public override void Complete() => _completion.TrySetResult(_result);

        public override void Fail(Exception exception) => _completion.TrySetException(exception);

        protected override void SetCanceled(CancellationToken token) => _completion.TrySetCanceled(token);
    }
}
