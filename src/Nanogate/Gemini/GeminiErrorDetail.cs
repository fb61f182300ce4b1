namespace Nanogate.Gemini;

/// <summary>Google's error fields.</summary>
internal sealed record GeminiErrorDetail(int Code, string Message, string Status);
