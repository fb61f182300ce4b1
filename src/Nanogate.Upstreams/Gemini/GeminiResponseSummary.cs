namespace Nanogate.Upstreams.Gemini;

/// <summary>What Nanogate needs to know of a GenerateContentResponse (or of all events of a stream).</summary>
public sealed record GeminiResponseSummary
{
    /// <summary>usageMetadata (the last one seen, for streams), or null when absent.</summary>
    public GeminiUsage? Usage { get; init; }

    /// <summary>The first candidate's finishReason (e.g. STOP, IMAGE_SAFETY, NO_IMAGE), or null.</summary>
    public string? FinishReason { get; init; }

    /// <summary>The first candidate's finishMessage, or null.</summary>
    public string? FinishMessage { get; init; }

    /// <summary>promptFeedback.blockReason when the prompt itself was blocked, or null.</summary>
    public string? BlockReason { get; init; }

    /// <summary>The non-thought text parts of the first candidate, concatenated.</summary>
    public string Text { get; init; } = "";

    /// <summary>The final image: the last inlineData part whose <c>thought</c> is not true; null when none.</summary>
    public GeminiImage? FinalImage { get; init; }

    /// <summary>How many inlineData image parts (thought or not) the first candidate had.</summary>
    public int ImageCount { get; init; }

    /// <summary>modelVersion, or null.</summary>
    public string? ModelVersion { get; init; }
}
