using System.Buffers;
using Nanogate.Upstreams.Gemini;

namespace Nanogate.Upstreams.Channels;

/// <summary>
/// The outcome of one call: the core result (<see cref="Summary"/>: image, text, usage, finish reason) and,
/// for Gemini speakers, the response body exactly as the upstream sent it; or a failure. The body may live in
/// a pooled array (a 1K image answer is about 1.4 MB: allocating one per call costs page faults and GC):
/// dispose the response once the body has been written. Kinds that do not speak Gemini return
/// <see cref="Synthesized"/>: their Gemini body is written only if someone reads <see cref="Body"/>.
/// </summary>
public sealed class UpstreamResponse : IDisposable
{
    private byte[]? _rented;
    private ReadOnlyMemory<byte> _body;
    private bool _synthesize;

    private UpstreamResponse(string channel, ReadOnlyMemory<byte> body, UpstreamFailure? failure, byte[]? rented, GeminiResponseSummary? summary, bool synthesize = false)
    {
        Channel = channel;
        _body = body;
        Failure = failure;
        _rented = rented;
        Summary = summary;
        _synthesize = synthesize;
    }

    /// <summary>
    /// What the answer says (usage, finish reason, the final image or where it is), read in the same pass that
    /// validated the body, so the passthrough path scans a multi-megabyte answer once. Null on failure.
    /// </summary>
    public GeminiResponseSummary? Summary { get; }

    /// <summary>Name of the channel that answered (or failed).</summary>
    public string Channel { get; }

    /// <summary>The GenerateContentResponse JSON bytes: byte for byte as received, or written from <see cref="Summary"/> for other kinds (empty on failure).</summary>
    public ReadOnlyMemory<byte> Body
    {
        get
        {
            if (_synthesize)
            {
                _body = GeminiResponseWriter.Write(Summary!);
                _synthesize = false;
            }

            return _body;
        }
    }

    /// <summary>Why the call failed, or null on success.</summary>
    public UpstreamFailure? Failure { get; }

    /// <summary>True when the call produced an answer (which may still hold no image: blocked, no image).</summary>
    public bool IsSuccess => Failure is null;

    /// <summary>A successful response; <paramref name="rented"/> (if any) goes back to the shared pool on dispose.</summary>
    public static UpstreamResponse Success(string channel, ReadOnlyMemory<byte> body, byte[]? rented = null, GeminiResponseSummary? summary = null) =>
        new(channel, body, null, rented, summary ?? GeminiResponseReader.Read(body.Span, decodeImage: false));

    /// <summary>An answer of a kind that does not speak Gemini: the core result; its Gemini body is written on demand.</summary>
    public static UpstreamResponse Synthesized(string channel, GeminiResponseSummary summary) =>
        new(channel, ReadOnlyMemory<byte>.Empty, null, null, summary, synthesize: true);

    /// <summary>A failed call.</summary>
    public static UpstreamResponse Failed(string channel, UpstreamFailure failure) => new(channel, ReadOnlyMemory<byte>.Empty, failure, null, null);

    /// <summary>Returns the pooled body, if any. <see cref="Body"/> must not be used afterwards.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _rented, null) is { } rented)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
