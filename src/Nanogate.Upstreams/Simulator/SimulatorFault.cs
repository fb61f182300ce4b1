namespace Nanogate.Upstreams.Simulator;

/// <summary>A failure the simulator injects when the prompt carries a <c>[sim:KIND]</c> marker.</summary>
internal enum SimulatorFault
{
    /// <summary>No fault: a normal image answer.</summary>
    None,
    /// <summary><c>[sim:429]</c>: 429 RESOURCE_EXHAUSTED with QuotaFailure and RetryInfo details.</summary>
    RateLimited,
    /// <summary><c>[sim:500]</c>: 500 INTERNAL.</summary>
    Internal,
    /// <summary><c>[sim:503]</c>: 503 UNAVAILABLE, the model is overloaded.</summary>
    Unavailable,
    /// <summary><c>[sim:timeout]</c>: no answer until the client gives up (504 after 10 minutes).</summary>
    Timeout,
    /// <summary><c>[sim:malformed]</c>: 200 with a truncated, invalid JSON body.</summary>
    Malformed,
    /// <summary><c>[sim:blocked]</c>: 200, finishReason IMAGE_SAFETY, no content.</summary>
    Blocked,
    /// <summary><c>[sim:noimage]</c>: 200, finishReason NO_IMAGE, a text part only.</summary>
    NoImage,
    /// <summary><c>[sim:cut]</c>: 200 and the first half of a normal answer (streaming: of its final image event), then the connection is reset.</summary>
    Cut,
    /// <summary><c>[sim:corrupt]</c>: 200 and a normal answer (streaming: its final image event), one byte in the middle of its image data a control character (invalid JSON).</summary>
    Corrupt,
}
