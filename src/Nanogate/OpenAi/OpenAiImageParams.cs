namespace Nanogate.OpenAi;

/// <summary>The parameters of images/generations and images/edits, as read from JSON or a multipart form.</summary>
internal sealed record OpenAiImageParams(string? Model, string? Prompt, long? N, string? Size, string? Quality, string? ResponseFormat);
