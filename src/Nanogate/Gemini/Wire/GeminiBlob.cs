using System.Text.Json.Serialization;

namespace Nanogate.Gemini.Wire;

/// <summary>Inline bytes.</summary>
/// <param name="MimeType">image/png, image/jpeg or image/webp.</param>
/// <param name="Data">The bytes, base64.</param>
internal sealed record GeminiBlob(
    [property: JsonPropertyName("mimeType")] string MimeType,
    [property: JsonPropertyName("data")] string Data);
