namespace Nanogate.Upstreams.Channels;

/// <summary>An open streamGenerateContent call: one JSON object per SSE event, as the upstream sent it.</summary>
public sealed class UpstreamStream : IAsyncDisposable
{
    private readonly IAsyncDisposable? _owner;

    private UpstreamStream(string channel, IAsyncEnumerable<ReadOnlyMemory<byte>>? events, UpstreamFailure? failure, IAsyncDisposable? owner)
    {
        Channel = channel;
        Events = events ?? EmptyEvents();
        Failure = failure;
        _owner = owner;
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

    /// <summary>An open stream; <paramref name="owner"/> is disposed with it (e.g. the HTTP response).</summary>
    public static UpstreamStream Open(string channel, IAsyncEnumerable<ReadOnlyMemory<byte>> events, IAsyncDisposable? owner) => new(channel, events, null, owner);

    /// <summary>A call that failed before any event.</summary>
    public static UpstreamStream Failed(string channel, UpstreamFailure failure) => new(channel, null, failure, null);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _owner?.DisposeAsync() ?? ValueTask.CompletedTask;

    private static async IAsyncEnumerable<ReadOnlyMemory<byte>> EmptyEvents()
    {
        await Task.CompletedTask.ConfigureAwait(false);
        yield break;
    }
}
