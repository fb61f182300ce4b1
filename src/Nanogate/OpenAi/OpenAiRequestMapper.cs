using System.Globalization;
using Nanogate.Core.Catalog;
using Nanogate.Core.Requests;

namespace Nanogate.OpenAi;

/// <summary>
/// Translates OpenAI image parameters to an <see cref="ImageRequest"/>: <c>size</c> picks the
/// aspect ratio (pixel sizes and ratios go to the model's nearest ratio; <c>auto</c> leaves it to the
/// model or the first input image), <c>quality</c> picks the resolution tier (low → 512 or the
/// smallest, medium/auto → 1K, high → 2K), made effective for the model (Lite is always 1K).
/// </summary>
internal static class OpenAiRequestMapper
{
    /// <summary>The most images one request may ask for (as the task API).</summary>
    public const int MaxImages = 4;

    /// <summary>The job, or the 4xx to answer.</summary>
    public static bool TryMap(OpenAiImageParams p, ModelCatalog catalog, IReadOnlyList<ReferenceImage> references, out OpenAiImageJob? job, out IResult? error)
    {
        job = null;
        var adjustments = new List<string>();
        ModelInfo model;
        if (string.IsNullOrWhiteSpace(p.Model))
        {
            model = catalog.Models[0];
        }
        else if (catalog.Find(p.Model) is { } found)
        {
            model = found;
        }
        else
        {
            error = OpenAiError.ModelNotFound(p.Model);
            return false;
        }

        if (string.IsNullOrWhiteSpace(p.Prompt))
        {
            error = OpenAiError.Invalid("prompt is required: describe the image to generate (or the edit to make).", "prompt", "missing_required_parameter");
            return false;
        }

        var n = p.N ?? 1;
        if (n is < 1 or > MaxImages)
        {
            error = OpenAiError.Invalid($"n must be between 1 and {MaxImages}; got {n}. Each image is a separate generation billed only if it succeeds.", "n");
            return false;
        }

        if (!TryRatio(p.Size, model, adjustments, out var ratio, out error))
        {
            return false;
        }

        if (!TryTier(p.Quality, model, adjustments, out var size, out error))
        {
            return false;
        }

        bool asUrl;
        switch (p.ResponseFormat?.Trim().ToLowerInvariant())
        {
            case null or "" or "b64_json":
                asUrl = false;
                break;
            case "url":
                asUrl = true;
                break;
            default:
                error = OpenAiError.Invalid($"'{p.ResponseFormat}' is not one of ['url', 'b64_json'] - 'response_format'.", "response_format");
                return false;
        }

        if (references.Count > model.MaxReferenceImages)
        {
            error = OpenAiError.Invalid($"{model.Id} takes at most {model.MaxReferenceImages} input images; got {references.Count}.", "image");
            return false;
        }

        job = new OpenAiImageJob(
            new ImageRequest
            {
                Model = model,
                Prompt = p.Prompt,
                AspectRatio = ratio,
                Size = size,
                ReferenceImages = references,
                N = (int)n,
                Warnings = adjustments,
            },
            asUrl,
            adjustments);
        error = null;
        return true;
    }

    /// <summary><c>auto</c>/none → null (model default or the first input image's ratio); WxH or W:H → the nearest supported ratio.</summary>
    private static bool TryRatio(string? size, ModelInfo model, List<string> adjustments, out AspectRatio? ratio, out IResult? error)
    {
        ratio = null;
        error = null;
        var text = size?.Trim();
        if (string.IsNullOrEmpty(text) || string.Equals(text, "auto", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        double width, height;
        var x = text.IndexOfAny(['x', 'X', '×']);
        if (x > 0
            && int.TryParse(text[..x], NumberStyles.None, CultureInfo.InvariantCulture, out var w)
            && int.TryParse(text[(x + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var h)
            && w > 0 && h > 0)
        {
            (width, height) = (w, h);
        }
        else if (AspectRatio.TryParse(text, out var asked))
        {
            if (model.Supports(asked))
            {
                ratio = asked;
                return true;
            }

            (width, height) = (asked.Width, asked.Height);
        }
        else
        {
            error = OpenAiError.Invalid(
                $"size '{size}' is not understood: use auto, pixels such as 1024x1024, 1536x1024 or 1024x1536 (mapped to the nearest supported aspect ratio), or a ratio: {string.Join(", ", model.AspectRatios)}.",
                "size");
            return false;
        }

        var nearest = model.NearestRatio(width, height);
        ratio = nearest;
        if (Math.Abs(nearest.Value - (width / height)) > 1e-9)
        {
            adjustments.Add($"size {text}->{nearest}");
        }

        return true;
    }

    /// <summary>OpenAI's quality as a tier the model has: low → 512 (or the smallest), medium/auto → 1K, high → 2K.</summary>
    internal static bool TryTier(string? quality, ModelInfo model, List<string> adjustments, out ImageSize size, out IResult? error)
    {
        error = null;
        var q = quality?.Trim().ToLowerInvariant();
        ImageSize asked;
        switch (q)
        {
            case null or "" or "auto" or "medium" or "standard":
                asked = ImageSize.Size1K;
                break;
            case "low":
                asked = model.Sizes.Contains(ImageSize.Size512) ? ImageSize.Size512 : model.Sizes[0];
                break;
            case "high" or "hd":
                asked = ImageSize.Size2K;
                break;
            default:
                size = ImageSize.Size1K;
                error = OpenAiError.Invalid($"'{quality}' is not one of ['low', 'medium', 'high', 'auto'] - 'quality'.", "quality");
                return false;
        }

        size = model.EffectiveSize(asked);
        if (size != asked)
        {
            adjustments.Add($"quality {q}->{size.ToWire()}");
        }

        return true;
    }
}
