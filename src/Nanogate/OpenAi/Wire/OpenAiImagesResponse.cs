namespace Nanogate.OpenAi.Wire;

/// <summary>The answer of images/generations and images/edits, written by <see cref="OpenAiImagesResult"/> (described here for /openapi/v1.json).</summary>
/// <param name="Created">Unix seconds.</param>
/// <param name="Data">The images.</param>
/// <param name="Size">The size made (WxH), when known.</param>
/// <param name="Quality">The quality (tier) used.</param>
/// <param name="Warnings">What was adjusted in the request.</param>
/// <param name="OutputFormat">png, jpeg or webp.</param>
/// <param name="Usage">Tokens, as OpenAI's image models report them.</param>
internal sealed record OpenAiImagesResponse(long Created, IReadOnlyList<OpenAiImageData> Data, string? Size, string Quality, IReadOnlyList<string> Warnings, string OutputFormat, OpenAiUsage Usage);
