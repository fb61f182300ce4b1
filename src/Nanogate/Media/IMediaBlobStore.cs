namespace Nanogate.Media;

/// <summary>
/// The bytes half of the media store, one implementation per <c>Media:Provider</c> (<c>Files/</c>,
/// <c>S3/</c>); <see cref="MediaStore"/> keeps the rows and the rules common to both. Each blob is named
/// by its media id alone, so a row is all it takes to find, serve or delete its bytes.
/// </summary>
internal interface IMediaBlobStore
{
    /// <summary>A fresh, random media id (<c>med_…</c>); a store may fold the time in to lay keys out by age.</summary>
    string NewId(DateTimeOffset now);

    /// <summary>Stores <paramref name="data"/> under a fresh <paramref name="id"/> (never overwriting); leaves nothing behind on failure.</summary>
    Task WriteAsync(string id, ReadOnlyMemory<byte> data, string mimeType, CancellationToken cancellationToken);

    /// <summary>Opens the bytes as a stream, or null when there are none.</summary>
    Task<Stream?> OpenReadAsync(string id, CancellationToken cancellationToken);

    /// <summary>A store-served URL valid until <paramref name="until"/>, or null when Nanogate serves the bytes.</summary>
    Uri? DirectLink(string id, string mimeType, DateTimeOffset until);

    /// <summary>Deletes the bytes of these ids; ids without bytes are skipped silently.</summary>
    Task DeleteAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken);

    /// <summary>
    /// Blobs last written before <paramref name="writtenBefore"/> (at least those of the recent past that a
    /// crash could have left; how far back is the store's choice, so a listing stays cheap).
    /// </summary>
    IAsyncEnumerable<MediaBlob> ListWrittenBeforeAsync(DateTimeOffset writtenBefore, CancellationToken cancellationToken);

    /// <summary>Deletes something <see cref="ListWrittenBeforeAsync"/> found that is not a media blob (a probe or temp file).</summary>
    Task DeleteLeftoverAsync(MediaBlob blob, CancellationToken cancellationToken);

    /// <summary>Writes and deletes a small probe; throws when that fails.</summary>
    Task CheckWritableAsync(CancellationToken cancellationToken);
}
