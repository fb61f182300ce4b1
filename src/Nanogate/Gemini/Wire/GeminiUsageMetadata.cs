using System.Text.Json.Serialization;

namespace Nanogate.Gemini.Wire;

/// <summary>Token counts: total = prompt + candidates + thoughts.</summary>
/// <param name="PromptTokenCount">Input tokens.</param>
/// <param name="CandidatesTokenCount">Output tokens (text and images).</param>
/// <param name="ThoughtsTokenCount">Thinking tokens (absent at minimal thinking).</param>
/// <param name="TotalTokenCount">The sum.</param>
/// <param name="PromptTokensDetails">Input tokens by modality.</param>
/// <param name="CandidatesTokensDetails">The IMAGE share of the output.</param>
internal sealed record GeminiUsageMetadata(
    [property: JsonPropertyName("promptTokenCount")] int? PromptTokenCount = null,
    [property: JsonPropertyName("candidatesTokenCount")] int? CandidatesTokenCount = null,
    [property: JsonPropertyName("thoughtsTokenCount")] int? ThoughtsTokenCount = null,
    [property: JsonPropertyName("totalTokenCount")] int? TotalTokenCount = null,
    [property: JsonPropertyName("promptTokensDetails")] IReadOnlyList<GeminiModalityTokenCount>? PromptTokensDetails = null,
    [property: JsonPropertyName("candidatesTokensDetails")] IReadOnlyList<GeminiModalityTokenCount>? CandidatesTokensDetails = null);
