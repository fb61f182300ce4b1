using System.Text.Json.Serialization;

namespace Nanogate.Gemini.Wire;

/// <summary>A candidate of a GenerateContentResponse.</summary>
/// <param name="Content">The model's turn.</param>
/// <param name="FinishReason">STOP, IMAGE_SAFETY, NO_IMAGE, … (a blocked or image-less result is still HTTP 200).</param>
/// <param name="FinishMessage">Google's explanation, when given.</param>
/// <param name="Index">0.</param>
internal sealed record GeminiCandidate(
    [property: JsonPropertyName("content")] GeminiContent? Content = null,
    [property: JsonPropertyName("finishReason")] string? FinishReason = null,
    [property: JsonPropertyName("finishMessage")] string? FinishMessage = null,
    [property: JsonPropertyName("index")] int? Index = null);
