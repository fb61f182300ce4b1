namespace Nanogate.Upstreams.Gemini;

/// <summary>The token counts of a GenerateContentResponse's <c>usageMetadata</c>.</summary>
/// <param name="PromptTokens">promptTokenCount.</param>
/// <param name="CandidatesTokens">candidatesTokenCount (text and image output).</param>
/// <param name="ThoughtsTokens">thoughtsTokenCount (absent means 0).</param>
/// <param name="ImageOutputTokens">The IMAGE entry of candidatesTokensDetails (0 when absent).</param>
public sealed record GeminiUsage(long PromptTokens, long CandidatesTokens, long ThoughtsTokens, long ImageOutputTokens)
{
    /// <summary>Text and thinking output: everything of the output that is not image tokens.</summary>
    public long TextOutputTokens => Math.Max(0, CandidatesTokens - ImageOutputTokens) + ThoughtsTokens;
}
