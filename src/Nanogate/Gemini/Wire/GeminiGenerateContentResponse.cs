using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Nanogate.Gemini.Wire;

/// <summary>
/// Google's GenerateContentResponse, passed through from the upstream (one per SSE event when streaming; a JSON array of
/// them for <c>:streamGenerateContent</c> without <c>alt=sse</c>). Described here for /openapi/v1.json.
/// </summary>
/// <param name="Candidates">The one candidate, with the image as the last non-thought inlineData part.</param>
/// <param name="PromptFeedback">Present when the prompt was blocked (blockReason), then without candidates.</param>
/// <param name="UsageMetadata">Tokens (billing follows them).</param>
/// <param name="ModelVersion">The model that answered.</param>
/// <param name="ResponseId">Google's response id.</param>
internal sealed record GeminiGenerateContentResponse(
    [property: JsonPropertyName("candidates")] IReadOnlyList<GeminiCandidate>? Candidates = null,
    [property: JsonPropertyName("promptFeedback")] JsonObject? PromptFeedback = null,
    [property: JsonPropertyName("usageMetadata")] GeminiUsageMetadata? UsageMetadata = null,
    [property: JsonPropertyName("modelVersion")] string? ModelVersion = null,
    [property: JsonPropertyName("responseId")] string? ResponseId = null);
