namespace Nanogate.Upstreams.Channels;

/// <summary>Where an <see cref="UpstreamBody"/> reads the rest of its answer from (a kind's open HTTP response).</summary>
internal interface IUpstreamBodySource : IAsyncDisposable
{
    /// <summary>Reads the next bytes; 0 at the end. Upstream faults throw <see cref="UpstreamException"/>.</summary>
    ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken);
}
