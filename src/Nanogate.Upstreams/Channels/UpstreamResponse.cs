namespace Nanogate.Upstreams.Channels;

/// <summary>
/// The outcome of a non-streaming generateContent call: either the response body exactly as the
/// upstream sent it (validated to be one JSON object) or a failure.
/// </summary>
public sealed class UpstreamResponse
{
    private UpstreamResponse(string channel, ReadOnlyMemory<byte> body, UpstreamFailure? failure)
    {
        Channel = channel;
        Body = body;
        Failure = failure;
    }

    /// <summary>Name of the channel that answered (or failed).</summary>
    public string Channel { get; }

    /// <summary>The GenerateContentResponse JSON bytes, byte for byte as received (empty on failure).</summary>
    public ReadOnlyMemory<byte> Body { get; }

    /// <summary>Why the call failed, or null on success.</summary>
    public UpstreamFailure? Failure { get; }

    /// <summary>True when <see cref="Body"/> holds a response.</summary>
    public bool IsSuccess => Failure is null;

    /// <summary>A successful response.</summary>
    public static UpstreamResponse Success(string channel, ReadOnlyMemory<byte> body) => new(channel, body, null);

    /// <summary>A failed call.</summary>
    public static UpstreamResponse Failed(string channel, UpstreamFailure failure) => new(channel, ReadOnlyMemory<byte>.Empty, failure);
}
