namespace Nanogate.OpenAi;

/// <summary>One image of an OpenAI-shaped answer: its bytes (b64_json) or its signed link (url), and what it is.</summary>
internal sealed record OpenAiImageEntry(byte[]? Bytes, string? Url, string RevisedPrompt, string MimeType, int Width, int Height);
