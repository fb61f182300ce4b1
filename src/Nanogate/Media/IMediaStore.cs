namespace Nanogate.Media;

/// <summary>
/// Where generated images are kept until their links expire. Bytes are stored exactly as the
/// upstream made them (never re-encoded). Every dialect that hands out image URLs uses this
/// together with <see cref="MediaLinks"/>.
/// </summary>
internal interface IMediaStore
{
    /// <summary>Stores <paramref name="data"/> for <paramref name="accountId"/>; it expires after <c>Media:LinkTtlHours</c>.</summary>
    Task<StoredMedia> SaveAsync(string accountId, ReadOnlyMemory<byte> data, string mimeType, int width, int height, CancellationToken cancellationToken);

    /// <summary>
    /// Writes the file only and returns its metadata; the caller inserts the row in its own
    /// transaction (see <c>ImageSuccess.Media</c>) or calls <see cref="DeleteFile"/> if it does not.
    /// </summary>
    Task<StoredMedia> WriteFileAsync(string accountId, ReadOnlyMemory<byte> data, string mimeType, int width, int height, CancellationToken cancellationToken);

    /// <summary>Removes a file written by <see cref="WriteFileAsync"/> that was never registered.</summary>
    void DeleteFile(StoredMedia media);

    /// <summary>The metadata of a stored image (also of purged ones), or null if the id is unknown.</summary>
    Task<StoredMedia?> FindAsync(string id, CancellationToken cancellationToken);

    /// <summary>Opens the bytes for reading, or null when they are gone.</summary>
    Stream? OpenRead(StoredMedia media);

    /// <summary>
    /// Deletes files last written before <paramref name="writtenBefore"/> that have no row (left by a
    /// crash between writing a file and registering it); returns how many.
    /// </summary>
    Task<int> SweepOrphansAsync(DateTimeOffset writtenBefore, CancellationToken cancellationToken);

    /// <summary>Deletes the bytes of everything expired at <paramref name="now"/> and marks it purged; returns how many.</summary>
    Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken);
}
