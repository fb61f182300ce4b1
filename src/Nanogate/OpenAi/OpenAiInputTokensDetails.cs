namespace Nanogate.OpenAi;

/// <summary>The input tokens split as OpenAI does (Google does not split them; all count as text).</summary>
internal sealed record OpenAiInputTokensDetails(long TextTokens, long ImageTokens);
