namespace Nanogate.OpenAi;

/// <summary>OpenAI's error fields (param and code are null when they do not apply).</summary>
internal sealed record OpenAiErrorDetail(string Message, string Type, string? Param, string? Code);
