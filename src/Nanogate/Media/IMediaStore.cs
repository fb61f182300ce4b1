namespace Nanogate.Media;

/// <summary>
/// Where generated images are kept until their links expire: the web layer's one contract, whatever
/// holds the bytes (<c>Media:Provider</c>: a folder or an S3 bucket, see <see cref="IMediaBlobStore"/>).
/// Bytes are stored exactly as the upstream made them (never re-encoded). Every dialect that hands out
/// image URLs uses this together with <see cref="MediaLinks"/>. Several processes may share one store.
/// </summary>
internal interface IMediaStore
{
    /// <summary>Stores <paramref name="data"/> for <paramref name="accountId"/>; it expires after <c>Media:LinkTtlHours</c>.</summary>
    Task<StoredMedia> SaveAsync(string accountId, ReadOnlyMemory<byte> data, string mimeType, int width, int height, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the bytes only and returns their metadata; the caller inserts the row in its own
    /// transaction (see <c>ImageSuccess.Media</c>) or calls <see cref="DeleteFileAsync"/> if it does not.
    /// </summary>
    Task<StoredMedia> WriteFileAsync(string accountId, ReadOnlyMemory<byte> data, string mimeType, int width, int height, CancellationToken cancellationToken);

    /// <summary>Removes bytes written by <see cref="WriteFileAsync"/> that were never registered (already gone is fine).</summary>
    Task DeleteFileAsync(StoredMedia media, CancellationToken cancellationToken);

    /// <summary>The metadata of a stored image (also of purged ones), or null if the id is unknown.</summary>
    Task<StoredMedia?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Opens the bytes as a stream (never read whole into memory), or null when they are gone.</summary>
    Task<Stream?> OpenReadAsync(StoredMedia media, CancellationToken cancellationToken);

    /// <summary>
    /// A URL of the store's own that serves the bytes until <paramref name="until"/> (an S3 presigned GET,
    /// <c>Media:S3:PresignedLinks</c>), for the media route to redirect to; null when Nanogate streams the
    /// bytes itself.
    /// </summary>
    Uri? DirectLink(StoredMedia media, DateTimeOffset until);

    /// <summary>
    /// Deletes bytes last written before <paramref name="writtenBefore"/> that have no row (left by a crash
    /// between writing and registering, in any process sharing the store); returns how many. Bytes newer than
    /// that may belong to a process that has written them but not yet committed their row, so the caller
    /// passes now less a grace period.
    /// </summary>
    Task<int> SweepOrphansAsync(DateTimeOffset writtenBefore, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the bytes of everything expired at <paramref name="now"/> and marks it purged; returns how many.
    /// Safe to run in every process at once: deleting what another process already deleted is a no-op and
    /// marking rows purged is idempotent.
    /// </summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Writes and deletes a small probe; throws when the store cannot be written (<c>/readyz</c>).</summary>
    Task CheckWritableAsync(CancellationToken cancellationToken);
}
