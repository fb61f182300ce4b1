namespace Nanogate.Storage.Transfer;

/// <summary>The one transaction of a copy on the target; disposing it without <see cref="CommitAsync"/> rolls everything back.</summary>
public interface IStorageImportTransaction : IAsyncDisposable
{
    /// <summary>
    /// Writes <paramref name="rows"/> (values in the order of <see cref="TransferTable.Columns"/>, as
    /// <see cref="IStorageSnapshot.ReadRowsAsync"/> gives them) into the table of the same name, converting each value
    /// to the target column's type; returns how many were written. Target columns the source lacks take their
    /// defaults. Throws <see cref="StorageTransferException"/> when the target has no such table or column.
    /// </summary>
    Task<long> WriteAsync(TransferTable table, IAsyncEnumerable<object?[]> rows, CancellationToken cancellationToken);

    /// <summary>Counts the rows of <paramref name="tables"/> and sums every account's money, as this transaction sees them.</summary>
    Task<StorageTally> TallyAsync(IReadOnlyList<string> tables, CancellationToken cancellationToken);

    /// <summary>Moves generated keys past the copied ones (so new rows continue after them), then commits.</summary>
    Task CommitAsync(CancellationToken cancellationToken);
}
