namespace Nanogate.Gemini;

/// <summary>Google's error envelope.</summary>
public sealed record GeminiErrorBody(GeminiErrorDetail Error);
