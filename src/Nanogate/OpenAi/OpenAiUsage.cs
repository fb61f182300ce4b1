namespace Nanogate.OpenAi;

/// <summary>Token usage as OpenAI's image models report it, summed over the upstream calls that made an image.</summary>
internal sealed record OpenAiUsage(long InputTokens, long OutputTokens, long TotalTokens, OpenAiInputTokensDetails InputTokensDetails);
