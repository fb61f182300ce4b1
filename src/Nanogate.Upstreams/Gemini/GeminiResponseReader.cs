namespace Nanogate.Upstreams.Gemini;

/// <summary>
/// Reads GenerateContentResponse JSON with <see cref="System.Text.Json.Utf8JsonReader"/> (no DOM, so a
/// multi-megabyte image is decoded once, straight from the UTF-8 bytes).
/// </summary>
public static class GeminiResponseReader
{
    /// <summary>
    /// Summarises one response. Returns null when <paramref name="json"/> is not a complete JSON object.
    /// With <paramref name="decodeImage"/> false the final image is located but not decoded
    /// (<see cref="GeminiResponseSummary.FinalImage"/> then has empty data).
    /// </summary>
    public static GeminiResponseSummary? Read(ReadOnlySpan<byte> json, bool decodeImage = true) =>
        throw new NotImplementedException("Implemented by the upstream adapter work.");
}
