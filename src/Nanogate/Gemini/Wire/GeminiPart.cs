using System.Text.Json.Serialization;

namespace Nanogate.Gemini.Wire;

/// <summary>One part of a turn: exactly one of text, inlineData or fileData.</summary>
/// <param name="Text">Text.</param>
/// <param name="InlineData">An image, base64.</param>
/// <param name="FileData">An image by reference (Files API or a signed media link).</param>
/// <param name="Thought">True on the model's interim (thinking) parts.</param>
/// <param name="ThoughtSignature">Opaque; sent back on multi-turn edits.</param>
internal sealed record GeminiPart(
    [property: JsonPropertyName("text")] string? Text = null,
    [property: JsonPropertyName("inlineData")] GeminiBlob? InlineData = null,
    [property: JsonPropertyName("fileData")] GeminiFileData? FileData = null,
    [property: JsonPropertyName("thought")] bool? Thought = null,
    [property: JsonPropertyName("thoughtSignature")] string? ThoughtSignature = null);
