using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nanogate.Client;

/// <summary>A model of the catalog (<c>GET /v1/models</c>).</summary>
public sealed class ModelInfo
{
    /// <summary>The catalog id, such as <c>gemini-3.1-flash-lite-image</c>.</summary>
    public string Id { get; set; } = "";

    /// <summary>The product name, such as <c>Nano Banana 2 Lite</c>.</summary>
    public string? DisplayName { get; set; }

    /// <summary>What the model is for.</summary>
    public string? Description { get; set; }

    /// <summary>Other names the model answers to (<c>nano-banana-2-lite</c>, …).</summary>
    public IReadOnlyList<string> Aliases { get; set; } = [];

    /// <summary>The resolution tiers (<c>512</c>, <c>1K</c>, <c>2K</c>, <c>4K</c>).</summary>
    public IReadOnlyList<string> Sizes { get; set; } = [];

    /// <summary>The tier used when none is asked for.</summary>
    public string? DefaultSize { get; set; }

    /// <summary>The aspect ratios the model makes.</summary>
    public IReadOnlyList<string> AspectRatios { get; set; } = [];

    /// <summary>Pixel size per tier and ratio (<c>PixelSizes["1K"]["16:9"] == "1376x768"</c>).</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>>? PixelSizes { get; set; }

    /// <summary>The most reference images one request may carry.</summary>
    public int? MaxReferenceImages { get; set; }

    /// <summary>Whether search grounding is honoured.</summary>
    public bool? SupportsSearch { get; set; }

    /// <summary>Prices.</summary>
    public ModelPricing? Pricing { get; set; }

    /// <summary>The catalog's other fields (thinking, token limits, value sources, …).</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? ExtensionData { get; set; }

    /// <summary>Whether <paramref name="name"/> is this model's id or one of its aliases (ignoring case).</summary>
    public bool IsNamed(string name) =>
        string.Equals(Id, name, StringComparison.OrdinalIgnoreCase) || Aliases.Any(a => string.Equals(a, name, StringComparison.OrdinalIgnoreCase));
}
