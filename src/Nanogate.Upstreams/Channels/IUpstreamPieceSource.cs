namespace Nanogate.Upstreams.Channels;

/// <summary>Where an <see cref="UpstreamStream"/> reads its answer piece by piece from (a kind's open SSE response).</summary>
internal interface IUpstreamPieceSource : IDisposable
{
    /// <summary>The next piece; upstream faults (and an event that is not JSON) throw <see cref="UpstreamException"/>.</summary>
    ValueTask<StreamPiece> ReadAsync();
}
