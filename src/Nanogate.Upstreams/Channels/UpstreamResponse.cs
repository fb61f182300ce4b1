using System.Buffers;

namespace Nanogate.Upstreams.Channels;

/// <summary>
/// The outcome of a non-streaming generateContent call: either the response body exactly as the
/// upstream sent it (validated to be one JSON object) or a failure. The body may live in a pooled
/// array (a 1K image answer is about 1.4 MB: allocating one per call costs page faults and GC):
/// dispose the response once the body has been written.
/// </summary>
public sealed class UpstreamResponse : IDisposable
{
    private byte[]? _rented;

    private UpstreamResponse(string channel, ReadOnlyMemory<byte> body, UpstreamFailure? failure, byte[]? rented)
    {
        Channel = channel;
        Body = body;
        Failure = failure;
        _rented = rented;
    }

    /// <summary>Name of the channel that answered (or failed).</summary>
    public string Channel { get; }

    /// <summary>The GenerateContentResponse JSON bytes, byte for byte as received (empty on failure).</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Why the call failed, or null on success.</summary>
    public UpstreamFailure? Failure { get; }

    /// <summary>True when <see cref="Body"/> holds a response.</summary>
    public bool IsSuccess => Failure is null;

    /// <summary>A successful response; <paramref name="rented"/> (if any) goes back to the shared pool on dispose.</summary>
    public static UpstreamResponse Success(string channel, ReadOnlyMemory<byte> body, byte[]? rented = null) => new(channel, body, null, rented);

    /// <summary>A failed call.</summary>
    public static UpstreamResponse Failed(string channel, UpstreamFailure failure) => new(channel, ReadOnlyMemory<byte>.Empty, failure, null);

    /// <summary>Returns the pooled body, if any. <see cref="Body"/> must not be used afterwards.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _rented, null) is { } rented)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
