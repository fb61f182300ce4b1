namespace Nanogate.Core.Catalog;

/// <summary>Credits per one million tokens, used to bill the Gemini dialect from <c>usageMetadata</c>.</summary>
/// <param name="Input">Prompt tokens (text and images).</param>
/// <param name="OutputText">Text and thinking output tokens.</param>
/// <param name="OutputImage">Image output tokens.</param>
public sealed record TokenPrices(decimal Input, decimal OutputText, decimal OutputImage)
{
    /// <summary>The credits for a token count split as Google's usageMetadata splits it, unrounded.</summary>
    public decimal Cost(long inputTokens, long textOutputTokens, long imageOutputTokens) =>
        ((inputTokens * Input) + (textOutputTokens * OutputText) + (imageOutputTokens * OutputImage)) / 1_000_000m;

    /// <summary>The most expensive output rate: what a worst-case estimate assumes every output token costs.</summary>
    public decimal MaxOutput => Math.Max(OutputText, OutputImage);
}
