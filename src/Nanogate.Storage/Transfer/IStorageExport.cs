namespace Nanogate.Storage.Transfer;

/// <summary>
/// The source side of a copy between providers, registered by a provider that can be copied from: opens a consistent,
/// read-only view of the whole database. Knows nothing of the target.
/// </summary>
public interface IStorageExport
{
    /// <summary>Where the data lives, for messages (a file path, or a server without its password).</summary>
    string Location { get; }

    /// <summary>
    /// Opens one snapshot of the database (every read of it sees the same moment). Throws
    /// <see cref="StorageTransferException"/> when there is no database there, or its schema is not the one this build
    /// migrates to.
    /// </summary>
    Task<IStorageSnapshot> OpenAsync(CancellationToken cancellationToken);
}
