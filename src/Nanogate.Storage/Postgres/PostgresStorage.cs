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
}
