using Nanogate.Core.Catalog;

namespace Nanogate.Core.Billing;

/// <summary>
/// Credits for the Gemini dialect, which bills tokens: a worst-case hold before the call, and the
/// settled amount from the upstream's usageMetadata after it.
/// </summary>
public static class GeminiBilling
{
    /// <summary>Input tokens assumed per inline image in the worst case (Gemini 3 at high media resolution).</summary>
    public const int WorstCaseTokensPerInputImage = 1120;

    /// <summary>
    /// The most a call can cost: every prompt character a token, every input image at the high-resolution
    /// rate, and the model's whole output limit at its most expensive output rate, per candidate.
    /// </summary>
    public static long WorstCase(ModelInfo model, long promptChars, int inputImages, int candidateCount = 1)
    {
        var input = promptChars + ((long)inputImages * WorstCaseTokensPerInputImage);
        var output = (long)model.OutputTokenLimit * Math.Max(1, candidateCount);
        var credits = ((input * model.TokenPrices.Input) + (output * model.TokenPrices.MaxOutput)) / 1_000_000m;
        return Math.Max(1, (long)Math.Ceiling(credits));
    }

    /// <summary>
    /// What a call is expected to cost: every prompt character a token, every input image at the
    /// high-resolution rate, and one image of <paramref name="size"/> per candidate with no text. The
    /// least a hold may be when the account cannot cover <see cref="WorstCase"/>.
    /// </summary>
    public static long Expected(ModelInfo model, long promptChars, int inputImages, ImageSize size, int candidateCount = 1)
    {
        var input = promptChars + ((long)inputImages * WorstCaseTokensPerInputImage);
        var image = (long)model.TokensPerImage[model.EffectiveSize(size)] * Math.Max(1, candidateCount);
        return Math.Max(1, (long)Math.Ceiling(model.TokenPrices.Cost(input, 0, image)));
    }

    /// <summary>
    /// The settled charge: tokens × the model's token prices, rounded to the nearest credit
    /// (so a 1K Lite image with a short prompt costs its catalog price of 45).
    /// </summary>
    public static long Settle(ModelInfo model, long promptTokens, long textOutputTokens, long imageOutputTokens) =>
        (long)Math.Round(model.TokenPrices.Cost(promptTokens, textOutputTokens, imageOutputTokens), MidpointRounding.AwayFromZero);
}
