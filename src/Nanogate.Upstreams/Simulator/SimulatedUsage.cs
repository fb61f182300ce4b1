namespace Nanogate.Upstreams.Simulator;

/// <summary>Token counts behind a <c>usageMetadata</c> object.</summary>
/// <param name="PromptTextTokens">Prompt text tokens.</param>
/// <param name="PromptImageTokens">Prompt image tokens (258 per input image).</param>
/// <param name="CandidateTextTokens">Output text tokens.</param>
/// <param name="CandidateImageTokens">Output image tokens.</param>
/// <param name="ThoughtTokens">Thinking tokens; 0 leaves <c>thoughtsTokenCount</c> out, as Google does at minimal thinking.</param>
internal sealed record SimulatedUsage(int PromptTextTokens, int PromptImageTokens, int CandidateTextTokens, int CandidateImageTokens, int ThoughtTokens)
{
    /// <summary>Prompt tokens in total.</summary>
    public int PromptTokens => PromptTextTokens + PromptImageTokens;

    /// <summary>Candidate tokens in total.</summary>
    public int CandidateTokens => CandidateTextTokens + CandidateImageTokens;

    /// <summary>Everything: prompt, candidates and thoughts.</summary>
    public int TotalTokens => PromptTokens + CandidateTokens + ThoughtTokens;

    /// <summary>Google's rough text token count: a token per four characters, at least one.</summary>
    public static int TextTokens(string text) => Math.Max(1, (text.Length + 3) / 4);
}
