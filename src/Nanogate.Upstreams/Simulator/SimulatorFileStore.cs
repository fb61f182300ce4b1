using System.Collections.Concurrent;
using System.Security.Cryptography;
using Nanogate.Upstreams.Gemini;

namespace Nanogate.Upstreams.Simulator;

/// <summary>
/// The simulator's Files API storage: uploads in progress and finished files, their bytes in a temporary folder
/// (not in memory: fourteen 10 MB references would otherwise sit in the process beside the request that sent them),
/// each file deleted on <c>DELETE</c> or 48 hours after its upload, as Google does. Counters let tests see what
/// went through it.
/// </summary>
internal sealed class SimulatorFileStore : IDisposable
{
    private readonly ConcurrentDictionary<string, SimulatedUpload> _uploads = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, SimulatedFile> _files = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly string _directory;
    private int _uploaded;
    private int _deleted;
    private int _referenced;

    /// <summary>Creates a store in a new temporary folder.</summary>
    public SimulatorFileStore(TimeProvider time)
    {
        _time = time;
        _directory = Path.Combine(Path.GetTempPath(), "nanogate-simulator-files", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
    }

    /// <summary>Files finalized since the start.</summary>
    public int Uploaded => Volatile.Read(ref _uploaded);

    /// <summary>Files deleted by <c>DELETE</c> since the start (expired ones are not counted).</summary>
    public int Deleted => Volatile.Read(ref _deleted);

    /// <summary>fileData parts of generateContent requests that named a file of this store.</summary>
    public int Referenced => Volatile.Read(ref _referenced);

    /// <summary>Files alive now.</summary>
    public IReadOnlyList<SimulatedFile> List()
    {
        Sweep();
        return [.. _files.Values.OrderBy(f => f.Created)];
    }

    /// <summary>Begins a resumable upload.</summary>
    public SimulatedUpload Start(string? displayName, string mimeType, long declaredBytes)
    {
        Sweep();
        var id = NewId(24);
        var upload = new SimulatedUpload(id, displayName, mimeType, declaredBytes, Path.Combine(_directory, id + ".part"));
        File.WriteAllBytes(upload.Path, []);
        _uploads[id] = upload;
        return upload;
    }

    /// <summary>The upload with this upload_id, if it is still open.</summary>
    public SimulatedUpload? FindUpload(string id) => _uploads.TryGetValue(id, out var upload) ? upload : null;

    /// <summary>Appends a request body at the upload's current offset; false (nothing kept) when it would pass the declared size.</summary>
    public static async Task<bool> AppendAsync(SimulatedUpload upload, Stream body, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        var stream = new FileStream(upload.Path, FileMode.Append, FileAccess.Write, FileShare.None, 1, useAsync: true);
        await using (stream.ConfigureAwait(false))
        {
            var start = stream.Position;
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (upload.Received + read > upload.DeclaredBytes)
                {
                    stream.SetLength(start);
                    return false;
                }

                await stream.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                upload.Hash.AppendData(buffer, 0, read);
                upload.Received += read;
            }
        }

        return true;
    }

    /// <summary>Turns a complete upload into a file (ACTIVE at once: images need no processing).</summary>
    public SimulatedFile Finalize(SimulatedUpload upload)
    {
        _uploads.TryRemove(upload.Id, out _);
        var id = NewId(12);
        var path = Path.Combine(_directory, id);
        File.Move(upload.Path, path);
        var now = _time.GetUtcNow();
        var file = new SimulatedFile(id, upload.DisplayName, upload.MimeType, upload.Received, upload.Hash.GetHashAndReset(), now, now + GeminiInlineLimits.FileLifetime, path);
        upload.Dispose();
        _files[id] = file;
        Interlocked.Increment(ref _uploaded);
        return file;
    }

    /// <summary>The live file with this id, or null (unknown, deleted or expired).</summary>
    public SimulatedFile? Find(string id)
    {
        if (!_files.TryGetValue(id, out var file))
        {
            return null;
        }

        if (file.Expires <= _time.GetUtcNow())
        {
            Remove(id);
            return null;
        }

        return file;
    }

    /// <summary>Resolves a fileData part's file (counted as referenced), or null.</summary>
    public SimulatedFile? Resolve(string id)
    {
        var file = Find(id);
        if (file is not null)
        {
            Interlocked.Increment(ref _referenced);
        }

        return file;
    }

    /// <summary>Deletes a file; false when there is no such live file.</summary>
    public bool Delete(string id)
    {
        if (Find(id) is null || !Remove(id))
        {
            return false;
        }

        Interlocked.Increment(ref _deleted);
        return true;
    }

    /// <summary>The first bytes of a file (enough for an image header).</summary>
    public static byte[] ReadHead(SimulatedFile file, int maxBytes)
    {
        using var stream = File.OpenRead(file.Path);
        var buffer = new byte[(int)Math.Min(maxBytes, stream.Length)];
        stream.ReadExactly(buffer);
        return buffer;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        foreach (var upload in _uploads.Values)
        {
            upload.Dispose();
        }

        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still open by a request that is being torn down; the temp folder is the OS's to clean.
        }
    }

    private void Sweep()
    {
        var now = _time.GetUtcNow();
        foreach (var file in _files.Values.Where(f => f.Expires <= now).ToList())
        {
            Remove(file.Id);
        }
    }

    private bool Remove(string id)
    {
        if (!_files.TryRemove(id, out var file))
        {
            return false;
        }

        try
        {
            File.Delete(file.Path);
        }
        catch (IOException)
        {
            // Being read by a request right now; the folder goes with the store.
        }

        return true;
    }

    private static string NewId(int length)
    {
        const string alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        return RandomNumberGenerator.GetString(alphabet, length);
    }
}
