using Microsoft.Extensions.Options;
using Nanogate.Storage.Media;

namespace Nanogate.Media;

/// <summary>
/// Media as blobs (<see cref="IMediaBlobStore"/>: files or S3 objects) with a row per image in the
/// <c>media</c> table (kept through <see cref="IMediaIndex"/>). A blob is written under its final (fresh,
/// random) name before its row is inserted, so a reader, who finds blobs through rows, never sees half an
/// image, and a row always has its blob until purged. Blobs left without a row (a crash between the
/// write and the insert) are swept by <see cref="SweepOrphansAsync"/>.
/// </summary>
internal sealed class MediaStore(IMediaIndex index, IMediaBlobStore blobs, IOptions<MediaOptions> options, TimeProvider time) : IMediaStore
{
    private const int SweepBatch = 500;

    // Media:MaxBytes accounting: the live bytes as last read from the index plus this process's writes since.
    private long _used;
    private long _usedReadAtMs = long.MinValue;

    /// <inheritdoc />
    public async Task<StoredMedia> SaveAsync(string accountId, ReadOnlyMemory<byte> data, string mimeType, int width, int height, CancellationToken cancellationToken)
    {
        var media = await WriteFileAsync(accountId, data, mimeType, width, height, cancellationToken).ConfigureAwait(false);
        try
        {
            await index.InsertAsync(media.ToRow(), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await DeleteFileAsync(media, CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        return media;
    }

    /// <inheritdoc />
    public async Task<StoredMedia> WriteFileAsync(string accountId, ReadOnlyMemory<byte> data, string mimeType, int width, int height, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var now = time.GetUtcNow();
        if (options.Value.MaxBytes > 0)
        {
            await EnsureRoomAsync(data.Length, cancellationToken).ConfigureAwait(false);
        }

        var id = blobs.NewId(now);
        try
        {
            await blobs.WriteAsync(id, data, mimeType, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not (OperationCanceledException or MediaStoreException))
        {
            // A provider that cannot tell (an S3 error, a network failure): the store is unavailable, not full.
            throw new MediaStoreException(MediaStoreFailure.Unavailable, e);
        }

        return new StoredMedia(id, accountId, mimeType, data.Length, width, height, now, now + options.Value.LinkTtl, null);
    }

    /// <inheritdoc />
    public async Task DeleteFileAsync(StoredMedia media, CancellationToken cancellationToken)
    {
        try
        {
            await blobs.DeleteAsync([media.Id], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Best effort, called on a failure path: what stays behind has no row, so the orphan sweep takes it.
        }
    }

    /// <inheritdoc />
    public async Task<StoredMedia?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var row = await index.FindAsync(id, cancellationToken).ConfigureAwait(false);
        return row is null ? null : StoredMedia.FromRow(row);
    }

    /// <inheritdoc />
    public Task<Stream?> OpenReadAsync(StoredMedia media, CancellationToken cancellationToken) =>
        media.PurgedAt is not null ? Task.FromResult<Stream?>(null) : blobs.OpenReadAsync(media.Id, cancellationToken);

    /// <inheritdoc />
    public Uri? DirectLink(StoredMedia media, DateTimeOffset until) =>
        media.PurgedAt is not null ? null : blobs.DirectLink(media.Id, media.MimeType, until);

    /// <inheritdoc />
    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cutoff = now.ToUnixTimeMilliseconds();
        var ids = await index.ListExpiredAsync(cutoff, cancellationToken).ConfigureAwait(false);
        if (ids.Count == 0)
        {
            return 0;
        }

        // Bytes first: a row marked purged whose bytes survived would leak storage; bytes deleted whose row is
        // not yet marked only answer 410 one sweep early (they are expired either way). Another process may
        // be purging the same ids right now: its deletes and ours are no-ops for each other, and marking
        // skips rows already marked.
        await blobs.DeleteAsync(ids, cancellationToken).ConfigureAwait(false);
        await index.MarkPurgedAsync(ids, cutoff, cancellationToken).ConfigureAwait(false);
        return ids.Count;
    }

    /// <inheritdoc />
    public async Task<int> SweepOrphansAsync(DateTimeOffset writtenBefore, CancellationToken cancellationToken)
    {
        var deleted = 0;
        var batch = new List<string>(SweepBatch);
        await foreach (var blob in blobs.ListWrittenBeforeAsync(writtenBefore, cancellationToken).ConfigureAwait(false))
        {
            if (blob.MediaId is null)
            {
                await blobs.DeleteLeftoverAsync(blob, cancellationToken).ConfigureAwait(false);
                deleted++;
                continue;
            }

            batch.Add(blob.MediaId);
            if (batch.Count == SweepBatch)
            {
                deleted += await DeleteUnknownAsync(batch, cancellationToken).ConfigureAwait(false);
                batch.Clear();
            }
        }

        if (batch.Count > 0)
        {
            deleted += await DeleteUnknownAsync(batch, cancellationToken).ConfigureAwait(false);
        }

        return deleted;
    }

    /// <inheritdoc />
    public Task CheckWritableAsync(CancellationToken cancellationToken) => blobs.CheckWritableAsync(cancellationToken);

    /// <summary>
    /// <c>Media:MaxBytes</c>: counts <paramref name="bytes"/> against the quota, first purging expired media (oldest first)
    /// if they would not fit; throws <see cref="MediaStoreException"/> (full) when even that leaves too little room.
    /// The stored total is re-read from the index every <c>Media:QuotaRefreshSeconds</c> (a SUM over the live rows is
    /// too dear for every write) and grown by this process's writes in between.
    /// </summary>
    private async Task EnsureRoomAsync(long bytes, CancellationToken cancellationToken)
    {
        var max = options.Value.MaxBytes;
        var now = time.GetUtcNow();
        if (now.ToUnixTimeMilliseconds() - Volatile.Read(ref _usedReadAtMs) >= options.Value.QuotaRefreshSeconds * 1000L)
        {
            await RefreshUsedAsync(now, cancellationToken).ConfigureAwait(false);
        }

        while (Interlocked.Read(ref _used) + bytes > max)
        {
            // Over the quota: make room from what has expired anyway, oldest first, before refusing.
            var purged = await PurgeExpiredAsync(time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            await RefreshUsedAsync(time.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            if (purged == 0 && Interlocked.Read(ref _used) + bytes > max)
            {
                throw new MediaStoreException(MediaStoreFailure.Full, null);
            }
        }

        Interlocked.Add(ref _used, bytes);
    }

    private async Task RefreshUsedAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        Interlocked.Exchange(ref _used, await index.StoredBytesAsync(cancellationToken).ConfigureAwait(false));
        Volatile.Write(ref _usedReadAtMs, now.ToUnixTimeMilliseconds());
    }

    private async Task<int> DeleteUnknownAsync(List<string> ids, CancellationToken cancellationToken)
    {
        // Only blobs older than the grace reach here, and a row is committed within seconds of its blob's
        // write, so a blob without a row now will never get one.
        var known = await index.FindExistingAsync(ids, cancellationToken).ConfigureAwait(false);
        var unknown = ids.Where(id => !known.Contains(id)).ToList();
        if (unknown.Count > 0)
        {
            await blobs.DeleteAsync(unknown, cancellationToken).ConfigureAwait(false);
        }

        return unknown.Count;
    }
}
