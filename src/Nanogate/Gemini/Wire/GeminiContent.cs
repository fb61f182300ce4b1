using System.Text.Json.Serialization;

namespace Nanogate.Gemini.Wire;

/// <summary>One turn of a Gemini conversation.</summary>
/// <param name="Parts">Text, inline images and file references.</param>
/// <param name="Role">user or model.</param>
internal sealed record GeminiContent(
    [property: JsonPropertyName("parts")] IReadOnlyList<GeminiPart> Parts,
    [property: JsonPropertyName("role")] string? Role = null);
