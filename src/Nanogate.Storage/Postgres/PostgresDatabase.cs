using System.Data;
using System.Data.Common;
using Dapper;
using Nanogate.Storage.Migrations;
using Npgsql;

namespace Nanogate.Storage.Postgres;

/// <summary>
/// The PostgreSQL database shared by every Nanogate process: the one <see cref="NpgsqlDataSource"/> of this process
/// (pooled connections, auto-prepared hot statements), the migrator, and the transaction helpers the stores use.
/// </summary>
/// <remarks>
/// <para>
/// The pool does not reset a connection when it is returned (<c>No Reset On Close</c>, unless the connection string
/// says otherwise): its connections only ever run statements and transactions, never leave session state behind, and
/// the reset cost 7 statements per reuse (<c>SET SESSION AUTHORIZATION DEFAULT</c>, <c>RESET ALL</c>, <c>CLOSE ALL</c>,
/// <c>UNLISTEN *</c>, … : ~30 of the 44 statements per image in the benchmark). What does hold session state (the
/// change feed's <c>LISTEN</c>, advisory locks, migrations, a storage import) opens its connection from
/// <see cref="SessionDataSource"/>, which is not pooled: closing such a connection ends its session and everything in it.
/// </para>
/// </remarks>
/// <remarks>
/// Writes run in <c>READ COMMITTED</c> transactions. Where SQLite relied on its single writer, the stores take row
/// locks instead: every write that may end a task locks the task's row first (<c>FOR NO KEY UPDATE</c>), so the
/// writes of one task run one at a time across processes and each sees what the previous one committed; queues
/// are claimed with <c>FOR UPDATE SKIP LOCKED</c>. A transaction that deadlocks or fails serialization anyway is
/// rolled back by the server and retried here, so callers never see those errors.
/// </remarks>
public sealed class PostgresDatabase : IAsyncDisposable, IDisposable
{
    /// <summary>The notification channel of <see cref="PostgresChangeFeed"/> and of the stores' own NOTIFYs.</summary>
    internal const string NotifyChannel = "nanogate";

    /// <summary>The advisory lock migrations run under ("nanogate" in ASCII, as a 64-bit key).</summary>
    internal const long MigrationLock = 0x6E616E6F67617465;

    private const int MaxTransactionTries = 5;

    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _sessionDataSource;

    /// <summary>Builds the data source of <paramref name="connectionString"/> (an Npgsql connection string).</summary>
    public PostgresDatabase(string connectionString)
    {
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException("ConnectionStrings:Postgres must be set when Storage:Provider is 'postgres'.");
        }

        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };

        // The hot statements (claim, heartbeat, success, create) are the same text every time: let Npgsql keep them
        // prepared server-side, unless the operator chose otherwise (a pooler in transaction mode cannot keep them).
        if (!Given(given, "Max Auto Prepare", "MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
        }

        if (!Given(given, "Auto Prepare Min Usages", "AutoPrepareMinUsages"))
        {
            builder.AutoPrepareMinUsages = 2;
        }

        if (!Given(given, "Application Name", "ApplicationName"))
        {
            builder.ApplicationName = "nanogate";
        }

        Location = $"postgres://{builder.Host}:{builder.Port}/{builder.Database ?? builder.Username}";
        var session = new NpgsqlConnectionStringBuilder(builder.ConnectionString) { Pooling = false };
        if (!Given(given, "No Reset On Close", "NoResetOnClose"))
        {
            builder.NoResetOnClose = true;
        }

        _dataSource = NpgsqlDataSource.Create(builder);
        _sessionDataSource = NpgsqlDataSource.Create(session);
    }

    /// <summary>Host, port and database, without credentials (for the log).</summary>
    public string Location { get; }

    /// <summary>The pooled data source of this process, for statements and transactions that leave no session state.</summary>
    internal NpgsqlDataSource DataSource => _dataSource;

    /// <summary>Unpooled connections, for what holds session state (LISTEN, advisory locks, migrations): it ends with the connection.</summary>
    internal NpgsqlDataSource SessionDataSource => _sessionDataSource;

    /// <summary>
    /// Runs a read, or a write that is one statement (atomic on its own: no BEGIN/COMMIT round trips), on a pooled
    /// connection; retried when the server aborts it for a deadlock or a serialization failure.
    /// </summary>
    public async Task<T> RunAsync<T>(Func<NpgsqlConnection, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                return await work(connection).ConfigureAwait(false);
            }
            catch (PostgresException e) when (attempt < MaxTransactionTries && IsTransient(e))
            {
#pragma warning disable CA5394 // retry jitter, not a secret
                await Task.Delay(Random.Shared.Next(1, 10 * attempt), cancellationToken).ConfigureAwait(false);
#pragma warning restore CA5394
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in a <c>READ COMMITTED</c> transaction and commits it; retried from the start when
    /// the server aborts it for a deadlock or a serialization failure (so <paramref name="work"/> must only touch the
    /// database, or be safe to repeat).
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(work);
        for (var attempt = 1; ; attempt++)
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            try
            {
                var result = await work(connection, transaction).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
            catch (PostgresException e) when (attempt < MaxTransactionTries && IsTransient(e))
            {
                // The server rolled it back; nothing of it is visible. Go again after a short random pause.
#pragma warning disable CA5394 // retry jitter, not a secret
                await Task.Delay(Random.Shared.Next(1, 10 * attempt), cancellationToken).ConfigureAwait(false);
#pragma warning restore CA5394
            }
        }
    }

    /// <summary>
    /// Applies every embedded PostgreSQL migration not yet applied, in order, each in its own transaction, under a
    /// session advisory lock: processes starting together wait for the first one and then find nothing to do.
    /// </summary>
    public async Task MigrateAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await _sessionDataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@key)", new { key = MigrationLock }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "CREATE TABLE IF NOT EXISTS schema_migrations (version text PRIMARY KEY, applied_at bigint NOT NULL)",
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            var applied = (await connection.QueryAsync<string>(new CommandDefinition("SELECT version FROM schema_migrations", cancellationToken: cancellationToken)).ConfigureAwait(false))
                .ToHashSet(StringComparer.Ordinal);
            foreach (var (version, sql) in EmbeddedMigrations.Load("Postgres"))
            {
                if (applied.Contains(version))
                {
                    continue;
                }

                // DDL is transactional here: a migration applies wholly or not at all.
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await connection.ExecuteAsync(new CommandDefinition(sql, transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
                await connection.ExecuteAsync(new CommandDefinition(
                    // The database's own clock, as for leases: no process clock is read.
                    "INSERT INTO schema_migrations (version, applied_at) VALUES (@version, (extract(epoch from clock_timestamp()) * 1000)::bigint)",
                    new { version },
                    transaction,
                    cancellationToken: cancellationToken)).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            try
            {
                // Closing the (unpooled) session would release it too; unlocking explicitly is prompter.
                await connection.ExecuteAsync("SELECT pg_advisory_unlock(@key)", new { key = MigrationLock }).ConfigureAwait(false);
            }
            catch (NpgsqlException)
            {
                // The connection broke (that is likely why the migration failed): its session, and with it the lock,
                // is gone already. Do not hide the original error behind this one.
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _dataSource.DisposeAsync().ConfigureAwait(false);
        await _sessionDataSource.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _dataSource.Dispose();
        _sessionDataSource.Dispose();
    }

    private static bool IsTransient(PostgresException e) => e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure;

    private static bool Given(DbConnectionStringBuilder given, params string[] keys) =>
        given.Keys.Cast<string>().Any(k => keys.Any(key => string.Equals(k.Replace(" ", "", StringComparison.Ordinal), key.Replace(" ", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase)));
}
