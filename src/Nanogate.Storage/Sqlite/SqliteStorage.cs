namespace Nanogate.Storage.Sqlite;

/// <summary>The SQLite file as <see cref="IStorage"/>.</summary>
public sealed class SqliteStorage(SqliteDatabase db) : IStorage
{
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
}
