using System.Collections.Concurrent;

namespace Nanogate.Media;

/// <summary>
/// Copies image bytes from one blob store to another under the same ids, byte for byte. An image the target already
/// holds with the same length is skipped, so a copy that failed half-way resumes where it stopped; one with another
/// length (a write cut short) is replaced.
/// </summary>
internal static class MediaCopier
{
    // A few at once: enough to hide an object store's latency, few enough for a small machine and a shared bucket.
    private const int Parallelism = 4;

    /// <summary>Copies the bytes of every unpurged item from <paramref name="source"/> to <paramref name="target"/>.</summary>
    public static async Task<MediaCopyResult> CopyAsync(
        IReadOnlyList<MediaCopyItem> items, IMediaBlobStore source, IMediaBlobStore target, DateTimeOffset now, CancellationToken cancellationToken)
    {
        int copied = 0, alreadyThere = 0, expiredWithoutBytes = 0;
        var missing = new ConcurrentBag<string>();
        var live = items.Where(i => !i.Purged).ToList();
        var nowMs = now.ToUnixTimeMilliseconds();
        await Parallel.ForEachAsync(live, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (item, ct) =>
        {
            var stream = await source.OpenReadAsync(item.Id, ct).ConfigureAwait(false);
            if (stream is null)
            {
                if (item.ExpiresAt <= nowMs)
                {
                    Interlocked.Increment(ref expiredWithoutBytes);
                }
                else
                {
                    missing.Add(item.Id);
                }

                return;
            }

            byte[] data;
            await using (stream.ConfigureAwait(false))
            {
                var existing = await target.LengthAsync(item.Id, ct).ConfigureAwait(false);
                if (existing == stream.Length)
                {
                    Interlocked.Increment(ref alreadyThere);
                    return;
                }

                if (existing is not null)
                {
                    await target.DeleteAsync([item.Id], ct).ConfigureAwait(false);
                }

                // One image (a few MB at most) in memory: the blob stores write from a buffer.
                data = new byte[stream.Length];
                await stream.ReadExactlyAsync(data, ct).ConfigureAwait(false);
            }

            await target.WriteAsync(item.Id, data, item.MimeType, ct).ConfigureAwait(false);
            Interlocked.Increment(ref copied);
        }).ConfigureAwait(false);

        return new MediaCopyResult(copied, alreadyThere, items.Count - live.Count, expiredWithoutBytes, [.. missing.Order(StringComparer.Ordinal)]);
    }
}
