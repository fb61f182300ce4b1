namespace Nanogate.OpenAi;

/// <summary>OpenAI's error envelope.</summary>
internal sealed record OpenAiErrorBody(OpenAiErrorDetail Error);
