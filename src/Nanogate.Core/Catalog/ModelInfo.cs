namespace Nanogate.Core.Catalog;

/// <summary>One model of the catalog: what it can do, what it outputs and what it costs.</summary>
public sealed record ModelInfo
{
    /// <summary>Google's stable model id, sent upstream.</summary>
    public required string Id { get; init; }

    /// <summary>The marketing name, e.g. "Nano Banana 2 Lite".</summary>
    public required string DisplayName { get; init; }

    /// <summary>Short description for listings.</summary>
    public required string Description { get; init; }

    /// <summary>Other names accepted for this model (aggregator and preview ids).</summary>
    public required IReadOnlyList<string> Aliases { get; init; }

    /// <summary>Supported output tiers, smallest first.</summary>
    public required IReadOnlyList<ImageSize> Sizes { get; init; }

    /// <summary>Supported aspect ratios, in the order they are shown.</summary>
    public required IReadOnlyList<AspectRatio> AspectRatios { get; init; }

    /// <summary>
    /// Where each supported ratio is documented (keys of <see cref="ModelCatalog.Sources"/>): a model accepts
    /// the union of what Google and the seed platforms document for it.
    /// </summary>
    public IReadOnlyDictionary<AspectRatio, IReadOnlyList<string>> AspectRatioSources { get; init; } = new Dictionary<AspectRatio, IReadOnlyList<string>>();

    /// <summary>Where the model's other values are documented: catalog field name → keys of <see cref="ModelCatalog.Sources"/>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ValueSources { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Output pixels for each (ratio, size) the model supports.</summary>
    public required IReadOnlyDictionary<(AspectRatio Ratio, ImageSize Size), PixelSize> Pixels { get; init; }

    /// <summary>The most reference images one request may carry.</summary>
    public required int MaxReferenceImages { get; init; }

    /// <summary>Whether Google Search grounding (web and image search) is available.</summary>
    public required bool SupportsSearch { get; init; }

    /// <summary>How the model thinks.</summary>
    public required ThinkingSupport Thinking { get; init; }

    /// <summary>Input token limit.</summary>
    public required int InputTokenLimit { get; init; }

    /// <summary>Output token limit.</summary>
    public required int OutputTokenLimit { get; init; }

    /// <summary>Image output tokens Google counts per image of each size.</summary>
    public required IReadOnlyDictionary<ImageSize, int> TokensPerImage { get; init; }

    /// <summary>Credits charged per successful image of each size (task and OpenAI dialects).</summary>
    public required IReadOnlyDictionary<ImageSize, int> CreditsPerImage { get; init; }

    /// <summary>Credits per million tokens (Gemini dialect).</summary>
    public required TokenPrices TokenPrices { get; init; }

    /// <summary>Default aspect ratio when none is given and no reference image decides it.</summary>
    public static AspectRatio DefaultAspectRatio => new(1, 1);

    /// <summary>Default size.</summary>
    public ImageSize DefaultSize => Sizes.Contains(ImageSize.Size1K) ? ImageSize.Size1K : Sizes[0];

    /// <summary>Whether <paramref name="ratio"/> is supported.</summary>
    public bool Supports(AspectRatio ratio) => AspectRatios.Contains(ratio);

    /// <summary>The tier the model actually renders for a requested one: the nearest it has (ties go down).</summary>
    public ImageSize EffectiveSize(ImageSize requested)
    {
        if (Sizes.Contains(requested))
        {
            return requested;
        }

        return Sizes.OrderBy(s => Math.Abs((int)s - (int)requested)).ThenBy(s => s).First();
    }

    /// <summary>The supported ratio nearest to a width/height (compared on a log scale, so 2:1 is as far from 1:1 as 1:2).</summary>
    public AspectRatio NearestRatio(double width, double height)
    {
        var target = Math.Log(width / height);
        return AspectRatios.OrderBy(r => Math.Abs(Math.Log(r.Value) - target)).First();
    }

    /// <summary>Output pixels for a ratio and size (the size is made effective first).</summary>
    public PixelSize PixelsFor(AspectRatio ratio, ImageSize size) => Pixels[(ratio, EffectiveSize(size))];

    /// <summary>Credits for one image of a size (the size is made effective first).</summary>
    public int PriceFor(ImageSize size) => CreditsPerImage[EffectiveSize(size)];
}
