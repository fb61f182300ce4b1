using System.Security.Cryptography;

namespace Nanogate.Upstreams.Simulator;

/// <summary>A resumable upload between <c>start</c> and <c>finalize</c>: the declared size and type, the bytes so far.</summary>
internal sealed class SimulatedUpload(string id, string? displayName, string mimeType, long declaredBytes, string path) : IDisposable
{
    /// <summary>The upload_id of the upload URL.</summary>
    public string Id => id;

    /// <summary>The display name given at start.</summary>
    public string? DisplayName => displayName;

    /// <summary>X-Goog-Upload-Header-Content-Type.</summary>
    public string MimeType => mimeType;

    /// <summary>X-Goog-Upload-Header-Content-Length.</summary>
    public long DeclaredBytes => declaredBytes;

    /// <summary>Where the bytes are written.</summary>
    public string Path => path;

    /// <summary>Bytes received so far (the next offset a client must send).</summary>
    public long Received { get; set; }

    /// <summary>One upload command at a time (a client sends them in order).</summary>
    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>The hash of the bytes so far.</summary>
    public IncrementalHash Hash { get; } = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <inheritdoc />
    public void Dispose()
    {
        Gate.Dispose();
        Hash.Dispose();
    }
}
