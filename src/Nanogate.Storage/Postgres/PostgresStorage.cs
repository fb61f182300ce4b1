using Dapper;

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
    public async Task<IAsyncDisposable> LockAsync(string name, CancellationToken cancellationToken)
    {
        // A session-level advisory lock on a connection of its own: held until released, or until the process dies
        // and the server closes its session.
        var connection = await db.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(hashtextextended(@name, 0))", new { name }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return new Held(connection, name);
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private sealed class Held(Npgsql.NpgsqlConnection connection, string name) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await connection.ExecuteAsync("SELECT pg_advisory_unlock(hashtextextended(@name, 0))", new { name }).ConfigureAwait(false);
            }
            finally
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }
}
