using System.Text.Json.Serialization;

namespace Nanogate.Catalog.Wire;

/// <summary>Everything a client needs to validate and price a request for a model.</summary>
/// <param name="Id">The catalog id.</param>
/// <param name="Object">Always <c>model</c>.</param>
/// <param name="DisplayName">Its display name.</param>
/// <param name="Description">What it is for.</param>
/// <param name="Aliases">Other names requests may use.</param>
/// <param name="Sizes">The resolution tiers (0.5K, 1K, 2K, 4K).</param>
/// <param name="DefaultSize">The tier used when a request names none.</param>
/// <param name="AspectRatios">The supported ratios (W:H).</param>
/// <param name="AspectRatioSources">Per ratio, the documents (keys of <c>sources</c>) that list it.</param>
/// <param name="ValueSources">Per field, the documents its values come from.</param>
/// <param name="PixelSizes">Tier → ratio → pixels (WxH).</param>
/// <param name="MaxReferenceImages">Input images a request may carry.</param>
/// <param name="SupportsSearch">Whether Google Search grounding is honoured.</param>
/// <param name="Thinking">levels, always_on or none.</param>
/// <param name="ThinkingLevels">The levels a request may choose.</param>
/// <param name="InputTokenLimit">The model's input token limit.</param>
/// <param name="OutputTokenLimit">The model's output token limit.</param>
/// <param name="InputTokenEstimate">How requests are checked against the input limit before any upstream call.</param>
/// <param name="Pricing">Credits and US dollars per image, tokens per image, credits per million tokens.</param>
internal sealed record CatalogModel(
    string Id,
    [property: JsonPropertyName("object")] string Object,
    string DisplayName,
    string Description,
    IReadOnlyList<string> Aliases,
    IReadOnlyList<string> Sizes,
    string DefaultSize,
    IReadOnlyList<string> AspectRatios,
    IReadOnlyDictionary<string, IReadOnlyList<string>> AspectRatioSources,
    IReadOnlyDictionary<string, IReadOnlyList<string>> ValueSources,
    IReadOnlyDictionary<string, Dictionary<string, string>> PixelSizes,
    int MaxReferenceImages,
    bool SupportsSearch,
    string Thinking,
    IReadOnlyList<string> ThinkingLevels,
    int InputTokenLimit,
    int OutputTokenLimit,
    string InputTokenEstimate,
    CatalogPricing Pricing);
