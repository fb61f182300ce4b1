using Nanogate.Storage.Backup;

namespace Nanogate.Storage.Postgres;

/// <summary>
/// PostgreSQL is backed up with its own tools, which do it better than Nanogate could (consistent snapshots of a
/// running server, point-in-time recovery with WAL archiving): this says which commands to run.
/// </summary>
internal sealed class PostgresStorageBackup : IStorageBackup
{
    private const string Guidance =
        "The database is PostgreSQL: back it up with pg_dump (consistent while Nanogate runs), e.g. "
        + "pg_dump -Fc -d \"$DATABASE_URL\" -f nanogate.dump, and restore into an empty database with "
        + "pg_restore --no-owner -d \"$DATABASE_URL\" nanogate.dump (or use base backups and WAL archiving for point-in-time recovery); see docs/operations.md.";

    /// <inheritdoc />
    public Task<StorageBackupFile> BackupAsync(string directory, CancellationToken cancellationToken) =>
        throw new StorageBackupNotSupportedException(Guidance);

    /// <inheritdoc />
    public Task<StorageBackupFile> RestoreAsync(string directory, CancellationToken cancellationToken) =>
        throw new StorageBackupNotSupportedException(Guidance);
}
