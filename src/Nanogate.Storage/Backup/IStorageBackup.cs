namespace Nanogate.Storage.Backup;

/// <summary>
/// A consistent copy of the database that the provider itself can make and put back (the operator's
/// <c>backup</c> and <c>restore</c> commands). A provider whose database has its own, better tools says so by throwing
/// <see cref="StorageBackupNotSupportedException"/> with the commands to use instead.
/// </summary>
public interface IStorageBackup
{
    /// <summary>
    /// Writes a consistent snapshot of the whole database into <paramref name="directory"/> (which must not already
    /// hold one) while the server may keep running; returns the file written.
    /// </summary>
    Task<StorageBackupFile> BackupAsync(string directory, CancellationToken cancellationToken);

    /// <summary>
    /// Replaces the database's whole content with the snapshot in <paramref name="directory"/>. The server must be
    /// stopped. Throws <see cref="Transfer.StorageTransferException"/> when the directory holds no snapshot.
    /// </summary>
    Task<StorageBackupFile> RestoreAsync(string directory, CancellationToken cancellationToken);
}
