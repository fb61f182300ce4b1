namespace Nanogate.Storage.Transfer;

/// <summary>A consistent, read-only view of a whole database, open until disposed.</summary>
public interface IStorageSnapshot : IAsyncDisposable
{
    /// <summary>
    /// Every table of the application's schema (not the migration bookkeeping), in dependency order: a table comes after
    /// every table its foreign keys point at, so writing them in this order never breaks a reference.
    /// </summary>
    IReadOnlyList<TransferTable> Tables { get; }

    /// <summary>
    /// Streams the rows of <paramref name="table"/>, each as its values in the order of <see cref="TransferTable.Columns"/>
    /// (null, <see cref="long"/>, <see cref="double"/>, <see cref="string"/> or <see cref="byte"/>[]), in insertion
    /// order where the provider knows it (so identity columns the target generates keep the order).
    /// </summary>
    IAsyncEnumerable<object?[]> ReadRowsAsync(TransferTable table, CancellationToken cancellationToken);

    /// <summary>Counts the rows of <paramref name="tables"/> and sums every account's money, in this snapshot.</summary>
    Task<StorageTally> TallyAsync(IReadOnlyList<string> tables, CancellationToken cancellationToken);
}
