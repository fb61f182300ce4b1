namespace Nanogate.Storage.Media;

/// <summary>
/// The <c>media</c> rows: one per stored image file. The files themselves belong to the web
/// project's media store; a file without a row is an orphan, a row marked purged has lost its file.
/// </summary>
public interface IMediaIndex
{
    /// <summary>The most ids <see cref="ListExpiredAsync"/> returns at once.</summary>
    const int ExpiredBatch = 1000;

    /// <summary>Inserts the row of a file that is already written (its own write transaction).</summary>
    Task InsertAsync(NewMediaRow row, CancellationToken cancellationToken);

    /// <summary>One row (also a purged one), or null.</summary>
    Task<MediaRow?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Ids of rows expired at <paramref name="cutoff"/> and not yet purged, the longest expired first, at most <see cref="ExpiredBatch"/> (a full batch means there may be more).</summary>
    Task<IReadOnlyList<string>> ListExpiredAsync(long cutoff, CancellationToken cancellationToken);

    /// <summary>The bytes of every row not purged (what <c>Media:MaxBytes</c> bounds).</summary>
    Task<long> StoredBytesAsync(CancellationToken cancellationToken);

    /// <summary>Marks rows purged at <paramref name="purgedAt"/> (those not already marked).</summary>
    Task MarkPurgedAsync(IReadOnlyList<string> ids, long purgedAt, CancellationToken cancellationToken);

    /// <summary>Which of <paramref name="ids"/> have a row.</summary>
    Task<IReadOnlySet<string>> FindExistingAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken);
}
