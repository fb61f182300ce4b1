using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;
using Nanogate.Storage;

namespace Nanogate.Media.Files;

/// <summary>
/// Media bytes as files in one folder (<c>Media:Directory</c>, by default <c>{Storage:DataDirectory}/media</c>),
/// <c>{folder}/{two id characters}/{id}</c>. Several processes may share the folder (a shared volume): ids are
/// random, files are created exclusively and never rewritten, and every delete tolerates a file that another
/// process deleted first.
/// </summary>
internal sealed class FileBlobStore(IOptions<StorageOptions> storage, IOptions<MediaOptions> options) : IMediaBlobStore
{
    // errno values (the HResult of .NET's IOExceptions on Unix) and Windows' disk-full HRESULTs.
    private const int ENoSpc = 28;
    private const int EDQuot = 122;
    private const int WinDiskFull = unchecked((int)0x80070070);
    private const int WinHandleDiskFull = unchecked((int)0x80070027);

    private readonly string _root = options.Value.FilesDirectory(storage.Value.DataDirectory);

    /// <inheritdoc />
    public string NewId(DateTimeOffset now) => Ids.New("med_", 24);

    /// <inheritdoc />
    public Task WriteAsync(string id, ReadOnlyMemory<byte> data, string mimeType, CancellationToken cancellationToken)
    {
        var path = PathOf(id);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        // Straight to the final name: the id is fresh and random, so nobody can open the file before
        // its row exists (rows are inserted after this returns). A crash mid-write leaves an orphan
        // without a row, which the orphan sweep deletes. One positional write, no FileStream buffer,
        // no temp file and rename (those were a fifth of the task path's CPU).
        try
        {
            if (!options.Value.DirectWrites || !DirectFileWriter.TryWriteNew(path, data.Span))
            {
                using var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, preallocationSize: data.Length);
                RandomAccess.Write(handle, data.Span, 0);
            }
        }
        catch (Exception e)
        {
            TryDelete(path);
            throw Classify(e, data.Length);
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// A write failure as the store's failure: full (ENOSPC, EDQUOT, or a preallocation refused for lack of room,
    /// which .NET reports without the errno, so the free space decides) or unavailable (read-only, no access, …).
    /// </summary>
    private MediaStoreException Classify(Exception e, long needed)
    {
        var full = e is IOException io && (io.HResult is ENoSpc or EDQuot or WinDiskFull or WinHandleDiskFull || FreeBytes() < needed + 65_536);
        return new MediaStoreException(full ? MediaStoreFailure.Full : MediaStoreFailure.Unavailable, e);
    }

    private long FreeBytes()
    {
        try
        {
            return new DriveInfo(_root).AvailableFreeSpace;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return long.MaxValue;
        }
    }

    /// <inheritdoc />
    public Task<Stream?> OpenReadAsync(string id, CancellationToken cancellationToken)
    {
        try
        {
            return Task.FromResult<Stream?>(new FileStream(PathOf(id), FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 81920, FileOptions.Asynchronous | FileOptions.SequentialScan));
        }
        catch (FileNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
        catch (DirectoryNotFoundException)
        {
            return Task.FromResult<Stream?>(null);
        }
    }

    /// <inheritdoc />
    public Task<long?> LengthAsync(string id, CancellationToken cancellationToken)
    {
        var file = new FileInfo(PathOf(id));
        return Task.FromResult(file.Exists ? file.Length : (long?)null);
    }

    /// <inheritdoc />
    public Uri? DirectLink(string id, string mimeType, DateTimeOffset until) => null;

    /// <inheritdoc />
    public Task DeleteAsync(IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        foreach (var id in ids)
        {
            TryDelete(PathOf(id));
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<MediaBlob> ListWrittenBeforeAsync(DateTimeOffset writtenBefore, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        if (!Directory.Exists(_root))
        {
            yield break;
        }

        var ignoreMissing = new EnumerationOptions { RecurseSubdirectories = true, IgnoreInaccessible = true };
        foreach (var file in Directory.EnumerateFiles(_root, "*", ignoreMissing))
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

            // A file another process deleted since the listing reads as written in 1601: skip it rather than count it.
            if (written >= writtenBefore.UtcDateTime || written.Year < 1970)
            {
                continue; // possibly still being written, or its row is about to be inserted
            }

            var name = Path.GetFileName(file);
            var isMedia = name.StartsWith("med_", StringComparison.Ordinal) && !name.Contains('.', StringComparison.Ordinal)
                && string.Equals(file, PathOf(name), StringComparison.Ordinal);

            // Not a media file: a temp file left by an older version's write-then-rename, or a readiness probe.
            yield return new MediaBlob(file, isMedia ? name : null);
        }
    }

    /// <inheritdoc />
    public Task DeleteLeftoverAsync(MediaBlob blob, CancellationToken cancellationToken)
    {
        TryDelete(blob.Location);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async Task CheckWritableAsync(CancellationToken cancellationToken)
    {
        // The same kind of write an image gets (create-new in the folder), then gone again. The name is not a
        // media id, so the orphan sweep removes a probe that a crash left behind.
        Directory.CreateDirectory(_root);
        var probe = Path.Combine(_root, $".probe-{Guid.NewGuid():N}");
        try
        {
            var handle = File.OpenHandle(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            using (handle)
            {
                await RandomAccess.WriteAsync(handle, "probe"u8.ToArray(), 0, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            TryDelete(probe);
        }
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
