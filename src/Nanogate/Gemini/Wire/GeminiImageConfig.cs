using System.Text.Json.Serialization;

namespace Nanogate.Gemini.Wire;

/// <summary>The image's shape.</summary>
/// <param name="AspectRatio">W:H, one the model supports.</param>
/// <param name="ImageSize">"512", "1K", "2K" or "4K" (case-sensitive); Lite makes 1K only (adjustment reported in x-nanogate-adjustments).</param>
internal sealed record GeminiImageConfig(
    [property: JsonPropertyName("aspectRatio")] string? AspectRatio = null,
    [property: JsonPropertyName("imageSize")] string? ImageSize = null);
