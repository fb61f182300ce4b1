using System.Text.Json.Serialization;

namespace Nanogate.Gemini.Wire;

/// <summary>Thinking settings.</summary>
/// <param name="ThinkingLevel">minimal or high.</param>
/// <param name="IncludeThoughts">Whether the interim parts are returned.</param>
internal sealed record GeminiThinkingConfig(
    [property: JsonPropertyName("thinkingLevel")] string? ThinkingLevel = null,
    [property: JsonPropertyName("includeThoughts")] bool? IncludeThoughts = null);
