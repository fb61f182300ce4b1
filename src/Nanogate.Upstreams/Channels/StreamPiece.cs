using Nanogate.Upstreams.Gemini;

namespace Nanogate.Upstreams.Channels;

/// <summary>One step of a relayed streamGenerateContent answer (see <see cref="UpstreamStream.ReadPieceAsync"/>).</summary>
/// <param name="Kind">What the piece is.</param>
/// <param name="Data">For <see cref="StreamPieceKind.Data"/>: the bytes, valid until the next piece is read.</param>
/// <param name="Summary">For <see cref="StreamPieceKind.EventEnd"/>: what the event said (usage, finish, images).</param>
internal readonly record struct StreamPiece(StreamPieceKind Kind, ReadOnlyMemory<byte> Data = default, GeminiResponseSummary? Summary = null);
