namespace Nanogate.Upstreams.Channels;

/// <summary>An open streamGenerateContent call: one JSON object per SSE event, as the upstream sent it.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Naming", "CA1711", Justification = "The name says what it is: the upstream's event stream (a stream in the SSE sense, not a System.IO.Stream).")]
public sealed class UpstreamStream : IAsyncDisposable
{
    private readonly IAsyncDisposable? _owner;
    private readonly IUpstreamPieceSource? _pieces;
    private Routing.RoutedChannel? _slot;

    private UpstreamStream(string channel, IAsyncEnumerable<ReadOnlyMemory<byte>>? events, UpstreamFailure? failure, IAsyncDisposable? owner, IUpstreamPieceSource? pieces = null)
    {
        Channel = channel;
        Events = events ?? EmptyEvents();
        Failure = failure;
        _owner = owner;
        _pieces = pieces;
    }

    /// <summary>Name of the channel.</summary>
    public string Channel { get; }

    /// <summary>
    /// The data of each SSE event (one GenerateContentResponse JSON object each). The memory of an
    /// event is valid only until the next one is requested.
    /// </summary>
    public IAsyncEnumerable<ReadOnlyMemory<byte>> Events { get; }

    /// <summary>Why the call failed before any event, or null.</summary>
    public UpstreamFailure? Failure { get; }

    /// <summary>True when <see cref="Events"/> can be read.</summary>
    public bool IsSuccess => Failure is null;

    /// <summary>
    /// True when the answer can also be read piece by piece with <see cref="ReadPieceAsync"/> (kinds that stream SSE);
    /// read it one way or the other, not both.
    /// </summary>
    internal bool CanReadPieces => _pieces is not null;

    /// <summary>
    /// The next piece of the answer as it arrives: event starts, data bytes (valid until the next call), event ends
    /// with their summary, and <see cref="StreamPieceKind.Flush"/> before each wait for the network. The call's time
    /// limit and the cancellation given when the stream was opened apply. Throws <see cref="UpstreamException"/> when
    /// the upstream breaks or sends an event that is not one JSON object.
    /// </summary>
    internal ValueTask<StreamPiece> ReadPieceAsync() => _pieces!.ReadAsync();

    /// <summary>An open stream; <paramref name="owner"/> is disposed with it (e.g. the HTTP response).</summary>
    public static UpstreamStream Open(string channel, IAsyncEnumerable<ReadOnlyMemory<byte>> events, IAsyncDisposable? owner) => new(channel, events, null, owner);

    /// <summary>An open stream that can also be read piece by piece; <paramref name="pieces"/> is disposed with it.</summary>
    internal static UpstreamStream Open(string channel, IAsyncEnumerable<ReadOnlyMemory<byte>> events, IAsyncDisposable? owner, IUpstreamPieceSource pieces) => new(channel, events, null, owner, pieces);

    /// <summary>A call that failed before any event.</summary>
    public static UpstreamStream Failed(string channel, UpstreamFailure failure) => new(channel, null, failure, null);

    /// <summary>
    /// One event holding a whole answer, for kinds that cannot stream (the response is disposed with the stream).
    /// A failed response becomes a failed stream.
    /// </summary>
    public static UpstreamStream FromResponse(UpstreamResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!response.IsSuccess)
        {
            response.Dispose();
            return Failed(response.Channel, response.Failure!);
        }

        return new(response.Channel, OneEvent(response), null, new ResponseOwner(response));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // The router's concurrency slot is held for as long as the stream is open.
        Interlocked.Exchange(ref _slot, null)?.Exit();
        if (_owner is not null)
        {
            await _owner.DisposeAsync().ConfigureAwait(false);
        }

        _pieces?.Dispose();
    }

    /// <summary>Hands the stream the channel slot it must give back when disposed (no allocation on the passthrough).</summary>
    internal void HoldSlot(Routing.RoutedChannel channel) => _slot = channel;

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> OneEvent(UpstreamResponse response)
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield return response.Body;
    }

    private sealed class ResponseOwner(UpstreamResponse response) : IAsyncDisposable
    {
        public ValueTask DisposeAsync()
        {
            response.Dispose();
            return ValueTask.CompletedTask;
        }
    }

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> EmptyEvents()
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield break;
    }
}
