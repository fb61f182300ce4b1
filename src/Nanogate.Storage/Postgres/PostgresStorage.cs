using Dapper;
using Npgsql;

namespace Nanogate.Storage.Postgres;

/// <summary>The PostgreSQL database as <see cref="IStorage"/>.</summary>
public sealed class PostgresStorage(PostgresDatabase db, TimeProvider time) : IStorage
{
    /// <inheritdoc />
    public string Location => db.Location;

    /// <inheritdoc />
    public async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await db.MigrateAsync(cancellationToken).ConfigureAwait(false);

        // Start-up is the moment to settle the clock: leases and expiries written from now on follow the database's.
        if (time is DatabaseClock clock)
        {
            await clock.SyncAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public Task PingAsync(CancellationToken cancellationToken) =>
        db.RunAsync(c => c.ExecuteScalarAsync<int>(new CommandDefinition("SELECT 1", cancellationToken: cancellationToken)), cancellationToken);

    /// <inheritdoc />
    public Task CheckWritableAsync(CancellationToken cancellationToken) =>
        db.WriteAsync((c, tx) => c.ExecuteAsync(new CommandDefinition(
            "INSERT INTO write_probe (id, written_at) VALUES (1, @at) ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at",
            new { at = time.GetUtcNow().ToUnixTimeMilliseconds() }, tx, cancellationToken: cancellationToken)), cancellationToken);

    /// <inheritdoc />
    /// <remarks>
    /// A session-level advisory lock on a connection of its own, keyed by a 64-bit hash of the name: it is held as long
    /// as that session lives, so a process that dies releases it with its connection.
    /// </remarks>
    public async Task<IAsyncDisposable> LockAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var connection = await db.SessionDataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "SELECT pg_advisory_lock(hashtextextended(@key, 0))", new { key = "nanogate:" + name }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return new Held(connection, "nanogate:" + name);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private sealed class Held(NpgsqlConnection connection, string key) : IAsyncDisposable
    {
        private int _released;

        public async ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) != 0)
            {
                return;
            }

            try
            {
                await connection.ExecuteAsync("SELECT pg_advisory_unlock(hashtextextended(@key, 0))", new { key }).ConfigureAwait(false);
            }
            finally
            {
                // Closing the (unpooled) session releases it too; unlocking explicitly is prompter.
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
