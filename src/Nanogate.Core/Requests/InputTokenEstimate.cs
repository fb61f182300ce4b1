using System.Globalization;
using Nanogate.Core.Catalog;

namespace Nanogate.Core.Requests;

/// <summary>
/// A conservative estimate of a request's input tokens, to refuse what cannot fit a model's input
/// limit before any upstream call (and any charge). Conservative means it never counts more than
/// Google would, so nothing Google accepts is refused: a text token holds at most 4 characters here
/// (Google's rule of thumb is "about 4"; real text averages fewer characters per token, so the true
/// count is higher), and an image counts 258 tokens, the least Google ever charges for one.
/// </summary>
public static class InputTokenEstimate
{
    /// <summary>Characters counted per text token.</summary>
    public const int CharsPerToken = 4;

    /// <summary>Tokens counted per input image (Google's count for the smallest image).</summary>
    public const int TokensPerImage = 258;

    /// <summary>The estimate for <paramref name="promptChars"/> characters of text and <paramref name="images"/> images.</summary>
    public static long Of(long promptChars, int images) => ((promptChars + CharsPerToken - 1) / CharsPerToken) + ((long)images * TokensPerImage);

    /// <summary>Why the request cannot fit <paramref name="model"/>'s input limit, or null when it may.</summary>
    public static string? Exceeds(ModelInfo model, long promptChars, int images)
    {
        var estimate = Of(promptChars, images);
        if (estimate <= model.InputTokenLimit)
        {
            return null;
        }

        var limit = model.InputTokenLimit.ToString("N0", CultureInfo.InvariantCulture);
        return $"The input is too long for {model.Id}: at least {estimate.ToString("N0", CultureInfo.InvariantCulture)} tokens "
            + $"({promptChars.ToString("N0", CultureInfo.InvariantCulture)} characters at {CharsPerToken} per token"
            + (images > 0 ? $", {images} image(s) at {TokensPerImage} each" : string.Empty)
            + $"), and the model takes at most {limit} input tokens. Shorten the prompt (or send fewer images).";
    }
}
