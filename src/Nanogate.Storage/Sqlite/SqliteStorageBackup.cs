using Microsoft.Data.Sqlite;
using Nanogate.Storage.Backup;
using Nanogate.Storage.Transfer;

namespace Nanogate.Storage.Sqlite;

/// <summary>
/// Backs up <c>nanogate.db</c> through SQLite's online backup API: a page-by-page copy taken under a read transaction,
/// so it is consistent even while the server writes (a plain file copy of a WAL database is not: the last commits
/// live in the -wal file until a checkpoint). Restore runs the same API the other way, into the live file.
/// </summary>
internal sealed class SqliteStorageBackup(SqliteDatabase database) : IStorageBackup
{
    /// <summary>The snapshot's file name inside a backup directory.</summary>
    internal const string FileName = "nanogate.db";

    /// <inheritdoc />
    public async Task<StorageBackupFile> BackupAsync(string directory, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(directory);
        var target = Path.Combine(directory, FileName);
        if (File.Exists(target))
        {
            throw new StorageTransferException($"{target} already exists: back up into a new directory.");
        }

        await using var source = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var destination = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = target, Pooling = false }.ToString()))
        {
            await destination.OpenAsync(cancellationToken).ConfigureAwait(false);
            source.BackupDatabase(destination);
            // The copy keeps the source's journal mode (WAL): fold it into the one file so the backup is a single file.
            await using var checkpoint = destination.CreateCommand();
            checkpoint.CommandText = "PRAGMA journal_mode=DELETE";
            await checkpoint.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        return new StorageBackupFile(target, new FileInfo(target).Length);
    }

    /// <inheritdoc />
    public async Task<StorageBackupFile> RestoreAsync(string directory, CancellationToken cancellationToken)
    {
        var source = Path.Combine(directory, FileName);
        if (!File.Exists(source))
        {
            throw new StorageTransferException($"There is no {FileName} in {directory}: give the directory a backup wrote.");
        }

        await using var backup = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = source, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await backup.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using (var check = backup.CreateCommand())
        {
            check.CommandText = "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'accounts'";
            if (Convert.ToInt64(await check.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture) == 0)
            {
                throw new StorageTransferException($"{source} is not a Nanogate database (it has no accounts table).");
            }
        }

        await using var live = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        backup.BackupDatabase(live);
        return new StorageBackupFile(database.FilePath, new FileInfo(database.FilePath).Length);
    }
}
