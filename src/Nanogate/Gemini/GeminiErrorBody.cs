namespace Nanogate.Gemini;

/// <summary>Google's error envelope.</summary>
internal sealed record GeminiErrorBody(GeminiErrorDetail Error);
