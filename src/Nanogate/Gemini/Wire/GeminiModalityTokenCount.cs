using System.Text.Json.Serialization;

namespace Nanogate.Gemini.Wire;

/// <summary>Tokens of one modality.</summary>
/// <param name="Modality">TEXT or IMAGE.</param>
/// <param name="TokenCount">Its tokens.</param>
internal sealed record GeminiModalityTokenCount(
    [property: JsonPropertyName("modality")] string Modality,
    [property: JsonPropertyName("tokenCount")] int TokenCount);
