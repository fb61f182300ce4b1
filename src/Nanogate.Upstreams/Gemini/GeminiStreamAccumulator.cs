namespace Nanogate.Upstreams.Gemini;

/// <summary>Folds the events of a streamGenerateContent call into one <see cref="GeminiResponseSummary"/>.</summary>
public sealed class GeminiStreamAccumulator
{
    /// <summary>Adds one SSE event's JSON. Returns false when it is not a complete JSON object.</summary>
    public bool Add(ReadOnlySpan<byte> eventJson, bool decodeImage = true) =>
        throw new NotImplementedException("Implemented by the upstream adapter work.");

    /// <summary>The summary of everything added so far (usage from the last event that had it; text concatenated; final image the last non-thought one).</summary>
    public GeminiResponseSummary Result => throw new NotImplementedException("Implemented by the upstream adapter work.");
}
