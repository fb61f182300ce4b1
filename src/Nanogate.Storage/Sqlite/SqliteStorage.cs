namespace Nanogate.Storage.Sqlite;

/// <summary>The SQLite file as <see cref="IStorage"/>.</summary>
public sealed class SqliteStorage(SqliteDatabase db, TimeProvider time) : IStorage
{
    // One process owns a SQLite file, so a process-wide lock per name is the database-wide lock.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, SemaphoreSlim> _locks = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public string Location => db.FilePath;

    /// <inheritdoc />
    public Task MigrateAsync(CancellationToken cancellationToken) => db.MigrateAsync(cancellationToken);

    /// <inheritdoc />
    public Task PingAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(async c =>
        {
            using var command = c.CreateCommand();
            command.CommandText = "SELECT 1";
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    public Task CheckWritableAsync(CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, tx) =>
        {
            using var command = c.CreateCommand();
            command.Transaction = tx;
            command.CommandText = "INSERT INTO write_probe (id, written_at) VALUES (1, $at) ON CONFLICT (id) DO UPDATE SET written_at = excluded.written_at";
            command.Parameters.AddWithValue("$at", time.GetUtcNow().ToUnixTimeMilliseconds());
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    public async Task<IAsyncDisposable> LockAsync(string name, CancellationToken cancellationToken)
    {
        var gate = _locks.GetOrAdd(name, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        return new Held(gate);
    }

    private sealed class Held(SemaphoreSlim gate) : IAsyncDisposable
    {
        private int _released;

        public ValueTask DisposeAsync()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }

            return ValueTask.CompletedTask;
        }
    }
}
