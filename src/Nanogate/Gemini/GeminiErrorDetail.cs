namespace Nanogate.Gemini;

/// <summary>Google's error fields.</summary>
public sealed record GeminiErrorDetail(int Code, string Message, string Status);
