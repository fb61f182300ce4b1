using System.Text.Json.Serialization;

namespace Nanogate.Gemini.Wire;

/// <summary>Bytes by reference.</summary>
/// <param name="FileUri">A Files API URI, or (in answers with x-nanogate-image-delivery: url) a signed media link.</param>
/// <param name="MimeType">The media type.</param>
internal sealed record GeminiFileData(
    [property: JsonPropertyName("fileUri")] string FileUri,
    [property: JsonPropertyName("mimeType")] string? MimeType = null);
