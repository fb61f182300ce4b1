using System.Text.Json.Serialization;

namespace Nanogate.Gemini.Wire;

/// <summary>Generation settings of an image request.</summary>
/// <param name="ResponseModalities">["TEXT","IMAGE"] or ["IMAGE"].</param>
/// <param name="ImageConfig">Ratio and size.</param>
/// <param name="ThinkingConfig">Thinking level, for models that think.</param>
internal sealed record GeminiGenerationConfig(
    [property: JsonPropertyName("responseModalities")] IReadOnlyList<string>? ResponseModalities = null,
    [property: JsonPropertyName("imageConfig")] GeminiImageConfig? ImageConfig = null,
    [property: JsonPropertyName("thinkingConfig")] GeminiThinkingConfig? ThinkingConfig = null);
