namespace Nanogate.Storage.Transfer;

/// <summary>
/// The target side of a copy between providers, registered by a provider that can be copied into: brings the schema up
/// to date and opens one transaction that takes the whole copy (all or nothing). Knows nothing of the source.
/// </summary>
public interface IStorageImport
{
    /// <summary>Where the data goes, for messages (a file path, or a server without its password).</summary>
    string Location { get; }

    /// <summary>
    /// Migrates the target, opens the transaction and checks that every table is empty; throws
    /// <see cref="StorageTransferException"/> (naming the tables that have rows) when it is not, so a copy never merges
    /// into or overwrites a live install.
    /// </summary>
    Task<IStorageImportTransaction> BeginAsync(CancellationToken cancellationToken);
}
