using Nanogate.Upstreams.Gemini;

namespace Nanogate.Upstreams.Channels;

/// <summary>
/// A generateContent answer read as it arrives, for the passthrough: the upstream said 200 and its first bytes are in
/// (<see cref="IsComplete"/> when the whole answer fit in them); the rest is read with <see cref="ReadAsync"/> straight
/// into the caller's buffer (the gateway's response memory), and every byte goes through a
/// <see cref="GeminiAnswerScanner"/> that validates the answer and, at its end, yields the <see cref="Summary"/> for
/// billing. A fault after the first bytes (the connection broke, the time limit, an answer that turns out not to be
/// JSON) is thrown as an <see cref="UpstreamException"/>; before them it is a <see cref="Failure"/>, which the router
/// can still fail over. Dispose it to release the connection and the channel's slot.
/// </summary>
public sealed class UpstreamBody : IAsyncDisposable
{
    private readonly IUpstreamBodySource? _source;
    private readonly GeminiAnswerScanner? _scanner;
    private ReadOnlyMemory<byte> _first;
    private UpstreamResponse? _response;
    private Routing.RoutedChannel? _slot;
    private bool _ended;

    private UpstreamBody(string channel, UpstreamFailure? failure, IUpstreamBodySource? source, GeminiAnswerScanner? scanner, ReadOnlyMemory<byte> first, bool ended, GeminiResponseSummary? summary, UpstreamResponse? response)
    {
        Channel = channel;
        Failure = failure;
        _source = source;
        _scanner = scanner;
        _first = first;
        _ended = ended;
        Summary = summary;
        _response = response;
    }

    /// <summary>Name of the channel that answered (or failed).</summary>
    public string Channel { get; }

    /// <summary>Why the call failed before its first bytes, or null.</summary>
    public UpstreamFailure? Failure { get; }

    /// <summary>True when the answer can be read.</summary>
    public bool IsSuccess => Failure is null;

    /// <summary>The body's length when the upstream declared it (not when it was compressed), else null.</summary>
    public long? Length { get; private init; }

    /// <summary>The first bytes of the answer, read before the call counted as answered; valid until disposal.</summary>
    public ReadOnlyMemory<byte> First => _first;

    /// <summary>Whether <see cref="First"/> is the whole answer (then <see cref="Summary"/> is set already).</summary>
    public bool IsComplete => _ended && Summary is not null;

    /// <summary>What the answer said (usage, finish, images), once it has been read to its end and was valid.</summary>
    public GeminiResponseSummary? Summary { get; private set; }

    /// <summary>Bytes of the answer read so far, <see cref="First"/> included.</summary>
    public long BytesRead { get; private set; }

    /// <summary>
    /// Reads the next bytes after <see cref="First"/> into <paramref name="destination"/>; 0 once the answer has ended
    /// (then <see cref="Summary"/> is set). Throws <see cref="UpstreamException"/> when the upstream breaks, runs out of
    /// time or sends something that is not one JSON object. The upstream's own time limit applies, not
    /// <paramref name="cancellationToken"/> alone: a caller that left may still read the answer to its end.
    /// </summary>
    public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken = default)
    {
        if (_ended)
        {
            return 0;
        }

        var n = await _source!.ReadAsync(destination, cancellationToken).ConfigureAwait(false);
        if (n == 0)
        {
            End();
            return 0;
        }

        BytesRead += n;
        if (!_scanner!.Feed(destination.Span[..n]))
        {
            throw new UpstreamException(new UpstreamFailure(UpstreamFailureKind.Malformed, _scanner.Problem!, null, 200));
        }

        return n;
    }

    /// <summary>An answer whose first bytes arrived. Fails (Malformed) when they already show it is not JSON.</summary>
    internal static UpstreamBody Open(string channel, IUpstreamBodySource source, ReadOnlyMemory<byte> first, bool ended, long? length)
    {
        var scanner = new GeminiAnswerScanner();
        var valid = scanner.Feed(first.Span);
        GeminiResponseSummary? summary = null;
        if (valid && ended)
        {
            summary = scanner.Complete();
            valid = summary is not null;
        }

        if (!valid)
        {
            var problem = scanner.Problem!;
            scanner.Dispose();
            return new UpstreamBody(channel, new UpstreamFailure(UpstreamFailureKind.Malformed, problem, null, 200), source, null, default, true, null, null);
        }

        return new UpstreamBody(channel, null, source, scanner, first, ended, summary, null) { Length = length, BytesRead = first.Length };
    }

    /// <summary>A call that failed before its first bytes.</summary>
    public static UpstreamBody Failed(string channel, UpstreamFailure failure) => new(channel, failure, null, null, default, true, null, null);

    /// <summary>
    /// A whole answer of a kind that does not stream it (validated when it was read; the body written on demand for
    /// kinds that do not speak Gemini). The response is disposed with the body.
    /// </summary>
    public static UpstreamBody FromResponse(UpstreamResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!response.IsSuccess)
        {
            response.Dispose();
            return Failed(response.Channel, response.Failure!);
        }

        var body = response.Body;
        return new UpstreamBody(response.Channel, null, null, null, body, true, response.Summary, response) { Length = body.Length, BytesRead = body.Length };
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Interlocked.Exchange(ref _slot, null)?.Exit();
        _scanner?.Dispose();
        Interlocked.Exchange(ref _response, null)?.Dispose();
        _first = default;
        if (_source is not null)
        {
            await _source.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Hands the body the channel slot it gives back when disposed.</summary>
    internal void HoldSlot(Routing.RoutedChannel channel) => _slot = channel;

    private void End()
    {
        _ended = true;
        Summary = _scanner!.Complete();
        if (Summary is null)
        {
            throw new UpstreamException(new UpstreamFailure(UpstreamFailureKind.Malformed, _scanner.Problem!, null, 200));
        }
    }
}
