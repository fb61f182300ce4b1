using Microsoft.Extensions.Options;
using Nanogate.Storage;
using Nanogate.Storage.Media;

namespace Nanogate.Media;

/// <summary>
/// Media as files under <c>{Storage:DataDirectory}/media/</c> with a row per image in the <c>media</c>
/// table (kept through <see cref="IMediaIndex"/>). A file is written under its final (fresh, random)
/// name before its row is inserted, so a reader, who finds files through rows, never sees half an
/// image, and a row always has its file until purged. Files left without a row (a crash between the
/// write and the insert) are swept by <see cref="SweepOrphansAsync"/>.
/// </summary>
internal sealed class FileMediaStore(IMediaIndex index, IOptions<StorageOptions> storage, IOptions<MediaOptions> options, TimeProvider time) : IMediaStore
{
    private readonly string _root = Path.GetFullPath(Path.Combine(storage.Value.DataDirectory, "media"));

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
            DeleteFile(media);
            throw;
        }

        return media;
    }

    /// <inheritdoc />
    public void DeleteFile(StoredMedia media) => TryDelete(PathOf(media.Id));

    /// <inheritdoc />
    public Task<StoredMedia> WriteFileAsync(string accountId, ReadOnlyMemory<byte> data, string mimeType, int width, int height, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var id = Ids.New("med_", 24);
        var path = PathOf(id);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        // Straight to the final name: the id is fresh and random, so nobody can open the file before
        // its row exists (rows are inserted after this returns). A crash mid-write leaves an orphan
        // without a row, which SweepOrphansAsync deletes. One positional write, no FileStream buffer,
        // no temp file and rename (those were a fifth of the task path's CPU).
        try
        {
            if (!options.Value.DirectWrites || !DirectFileWriter.TryWriteNew(path, data.Span))
            {
                using var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, preallocationSize: data.Length);
                RandomAccess.Write(handle, data.Span, 0);
            }
        }
        catch
        {
            TryDelete(path);
            throw;
        }

        var now = time.GetUtcNow();
        return Task.FromResult(new StoredMedia(id, accountId, mimeType, data.Length, width, height, now, now + options.Value.LinkTtl, null));
    }

    /// <inheritdoc />
    public async Task<StoredMedia?> FindAsync(string id, CancellationToken cancellationToken)
    {
        var row = await index.FindAsync(id, cancellationToken).ConfigureAwait(false);
        return row is null ? null : StoredMedia.FromRow(row);
    }

    /// <inheritdoc />
    public Stream? OpenRead(StoredMedia media)
    {
        if (media.PurgedAt is not null)
        {
            return null;
        }

        try
        {
            return new FileStream(PathOf(media.Id), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public async Task<int> PurgeExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        var cutoff = now.ToUnixTimeMilliseconds();
        var ids = await index.ListExpiredAsync(cutoff, cancellationToken).ConfigureAwait(false);
        if (ids.Count == 0)
        {
            return 0;
        }

        // Files first: a row marked purged whose file survived would leak disk; a deleted file whose
        // row is not yet marked only answers 410 one sweep early (it is expired either way).
        foreach (var id in ids)
        {
            TryDelete(PathOf(id));
        }

        await index.MarkPurgedAsync(ids, cutoff, cancellationToken).ConfigureAwait(false);
        return ids.Count;
    }

    /// <inheritdoc />
    public async Task<int> SweepOrphansAsync(DateTimeOffset writtenBefore, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(_root))
        {
            return 0;
        }

        var deleted = 0;
        var batch = new List<string>(500);
        foreach (var file in Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            DateTime written;
            try
            {
                written = File.GetLastWriteTimeUtc(file);
            }
            catch (IOException)
            {
                continue;
            }

            if (written >= writtenBefore.UtcDateTime)
            {
                continue; // possibly still being written, or its row is about to be inserted
            }

            var name = Path.GetFileName(file);
            if (!name.StartsWith("med_", StringComparison.Ordinal) || name.Contains('.', StringComparison.Ordinal))
            {
                // Not a media file (e.g. a temp file left by an older version's write-then-rename).
                TryDelete(file);
                deleted++;
                continue;
            }

            batch.Add(name);
            if (batch.Count == 500)
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

    private async Task<int> DeleteUnknownAsync(List<string> ids, CancellationToken cancellationToken)
    {
        var known = await index.FindExistingAsync(ids, cancellationToken).ConfigureAwait(false);
        var deleted = 0;
        foreach (var id in ids)
        {
            if (!known.Contains(id))
            {
                TryDelete(PathOf(id));
                deleted++;
            }
        }

        return deleted;
    }

    private string PathOf(string id)
    {
        // Ids are base62 after the prefix; two characters of fan-out keep directories small.
        var shard = id.Length > 6 ? id.Substring(4, 2) : "00";
        return Path.Combine(_root, shard, id);
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
