using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Nanogate.Gemini.Wire;

/// <summary>
/// The body of <c>POST /v1beta/models/{model}:generateContent</c> (and <c>:streamGenerateContent</c>), as Google's: read as
/// a JSON tree (camelCase and snake_case accepted, unknown fields passed through); described here for /openapi/v1.json.
/// </summary>
/// <param name="Contents">The conversation: the user's turn with its text and images.</param>
/// <param name="GenerationConfig">Modalities, image config and thinking.</param>
/// <param name="Tools">e.g. [{"googleSearch":{}}]; dropped for models without search.</param>
/// <param name="SafetySettings">Google's safety settings, passed through.</param>
/// <param name="SystemInstruction">A system turn, passed through.</param>
internal sealed record GeminiGenerateContentRequest(
    [property: JsonPropertyName("contents")] IReadOnlyList<GeminiContent> Contents,
    [property: JsonPropertyName("generationConfig")] GeminiGenerationConfig? GenerationConfig = null,
    [property: JsonPropertyName("tools")] IReadOnlyList<JsonObject>? Tools = null,
    [property: JsonPropertyName("safetySettings")] IReadOnlyList<JsonObject>? SafetySettings = null,
    [property: JsonPropertyName("systemInstruction")] GeminiContent? SystemInstruction = null);
