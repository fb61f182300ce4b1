namespace Nanogate.Upstreams.Channels;

/// <summary>What a <see cref="StreamPiece"/> of a relayed streamGenerateContent answer is.</summary>
internal enum StreamPieceKind : byte
{
    /// <summary>An event's first data line begins (its bytes follow as <see cref="Data"/> pieces).</summary>
    EventStart,

    /// <summary>Bytes of the current event's data, as the upstream sent them (already validated as far as they go).</summary>
    Data,

    /// <summary>The current event's data continues on another <c>data:</c> line (joined with a line feed).</summary>
    LineBreak,

    /// <summary>The current event ended and its JSON proved valid; the piece carries its summary.</summary>
    EventEnd,

    /// <summary>Everything read from the upstream so far has been handed out: the next piece waits for the network.</summary>
    Flush,

    /// <summary>The stream ended after a complete event (or none).</summary>
    End,
}
