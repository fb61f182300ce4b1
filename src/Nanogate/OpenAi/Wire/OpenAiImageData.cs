namespace Nanogate.OpenAi.Wire;

/// <summary>One image of an OpenAI-shaped answer: url or b64_json.</summary>
/// <param name="RevisedPrompt">The prompt as sent.</param>
/// <param name="ContentType">The image's media type (seed 004's field).</param>
/// <param name="Url">A signed media link (response_format url).</param>
/// <param name="B64Json">The bytes, base64 (response_format b64_json).</param>
/// <param name="Width">Pixels, when known.</param>
/// <param name="Height">Pixels, when known.</param>
internal sealed record OpenAiImageData(string RevisedPrompt, string ContentType, string? Url = null, string? B64Json = null, int? Width = null, int? Height = null);
