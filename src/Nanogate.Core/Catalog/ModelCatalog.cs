using System.Collections.Frozen;

namespace Nanogate.Core.Catalog;

/// <summary>
/// The Nano Banana models Nanogate serves, with their real capabilities (see
/// Google's image-generation guide and the seed platforms' documents, see <see cref="Sources"/>) and their prices in credits.
/// </summary>
public sealed class ModelCatalog
{
    /// <summary>The ten ratios every Gemini image model supports.</summary>
    public static readonly IReadOnlyList<AspectRatio> StandardRatios =
    [
        new(1, 1), new(2, 3), new(3, 2), new(3, 4), new(4, 3), new(4, 5), new(5, 4), new(9, 16), new(16, 9), new(21, 9),
    ];

    /// <summary>The extra ratios of Gemini 3.1 Flash Image.</summary>
    public static readonly IReadOnlyList<AspectRatio> ExtremeRatios = [new(1, 4), new(4, 1), new(1, 8), new(8, 1)];

    /// <summary>The documents the catalog's values come from, by the key used in <see cref="ModelInfo.AspectRatioSources"/>.</summary>
    public static readonly IReadOnlyDictionary<string, string> Sources = new Dictionary<string, string>
    {
        ["google"] = "Google's Gemini API image-generation guide and model cards",
        ["seed-000"] = "seed 000: apiany.ai Nano Banana 2 Lite page (size options auto, 1:1, 2:3, 3:2, 4:3, 3:4, 16:9, 9:16)",
        ["seed-001"] = "seed 001: task platform's Gemini-3.1-Flash-Lite-Image page (auto and the 10 standard ratios)",
        ["seed-002"] = "seed 002: Anyfast's Gemini 3.1 Flash Lite Image page (the 10 standard ratios)",
        ["seed-003"] = "seed 003: CometAPI's Nano Banana 2 Lite page (\"14 aspect ratios\")",
        ["seed-004"] = "seed 004: AI/ML API's Nano Banana 2 page",
    };

    private static readonly AspectRatio[] Seed000Ratios = [new(1, 1), new(2, 3), new(3, 2), new(4, 3), new(3, 4), new(16, 9), new(9, 16)];

    private readonly FrozenDictionary<string, ModelInfo> _byName;

    /// <summary>Creates the catalog with the built-in models.</summary>
    public ModelCatalog()
    {
        Models = [Lite, Flash, Pro, Flash25];
        var map = new Dictionary<string, ModelInfo>(StringComparer.OrdinalIgnoreCase);
        foreach (var model in Models)
        {
            map[model.Id] = model;
            foreach (var alias in model.Aliases)
            {
                map[alias] = model;
            }
        }

        _byName = map.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>All models, the recommended one first.</summary>
    public IReadOnlyList<ModelInfo> Models { get; }

    /// <summary>Ways to buy credits; the entry package is the most expensive per credit, the best the cheapest.</summary>
    public IReadOnlyList<RechargePackage> Packages { get; } =
    [
        new("entry", "Entry", 1000, 1m),
        new("plus", "Plus", 1250, 50m),
        new("pro", "Pro", 1500, 200m),
        new("best", "Best", 2000, 1000m),
    ];

    /// <summary>Finds a model by id or alias (case-insensitive; a leading "models/" is ignored).</summary>
    public ModelInfo? Find(string? idOrAlias)
    {
        if (string.IsNullOrWhiteSpace(idOrAlias))
        {
            return null;
        }

        var name = idOrAlias.Trim();
        if (name.StartsWith("models/", StringComparison.OrdinalIgnoreCase))
        {
            name = name["models/".Length..];
        }

        return _byName.GetValueOrDefault(name);
    }

    /// <summary>Finds a recharge package by id.</summary>
    public RechargePackage? FindPackage(string? id) =>
        Packages.FirstOrDefault(p => string.Equals(p.Id, id, StringComparison.OrdinalIgnoreCase));

    /// <summary>What credits cost in USD: (at the best package, at the entry package).</summary>
    public (decimal Low, decimal High) UsdRange(long credits) =>
        ((decimal)credits / Packages.Max(p => p.CreditsPerUsd), (decimal)credits / Packages.Min(p => p.CreditsPerUsd));

    private static readonly Dictionary<AspectRatio, PixelSize[]> Gemini3Pixels = new()
    {
        // ratio: 512, 1K, 2K, 4K
        [new(1, 1)] = [new(512, 512), new(1024, 1024), new(2048, 2048), new(4096, 4096)],
        [new(1, 4)] = [new(256, 1024), new(512, 2048), new(1024, 4096), new(2048, 8192)],
        [new(1, 8)] = [new(192, 1536), new(384, 3072), new(768, 6144), new(1536, 12288)],
        [new(2, 3)] = [new(424, 632), new(848, 1264), new(1696, 2528), new(3392, 5056)],
        [new(3, 2)] = [new(632, 424), new(1264, 848), new(2528, 1696), new(5056, 3392)],
        [new(3, 4)] = [new(448, 600), new(896, 1200), new(1792, 2400), new(3584, 4800)],
        [new(4, 1)] = [new(1024, 256), new(2048, 512), new(4096, 1024), new(8192, 2048)],
        [new(4, 3)] = [new(600, 448), new(1200, 896), new(2400, 1792), new(4800, 3584)],
        [new(4, 5)] = [new(464, 576), new(928, 1152), new(1856, 2304), new(3712, 4608)],
        [new(5, 4)] = [new(576, 464), new(1152, 928), new(2304, 1856), new(4608, 3712)],
        [new(8, 1)] = [new(1536, 192), new(3072, 384), new(6144, 768), new(12288, 1536)],
        [new(9, 16)] = [new(384, 688), new(768, 1376), new(1536, 2752), new(3072, 5504)],
        [new(16, 9)] = [new(688, 384), new(1376, 768), new(2752, 1536), new(5504, 3072)],
        [new(21, 9)] = [new(792, 336), new(1584, 672), new(3168, 1344), new(6336, 2688)],
    };

    private static readonly Dictionary<AspectRatio, PixelSize> Flash25Pixels = new()
    {
        [new(1, 1)] = new(1024, 1024),
        [new(2, 3)] = new(832, 1248),
        [new(3, 2)] = new(1248, 832),
        [new(3, 4)] = new(864, 1184),
        [new(4, 3)] = new(1184, 864),
        [new(4, 5)] = new(896, 1152),
        [new(5, 4)] = new(1152, 896),
        [new(9, 16)] = new(768, 1344),
        [new(16, 9)] = new(1344, 768),
        [new(21, 9)] = new(1536, 672),
    };

    private static Dictionary<(AspectRatio, ImageSize), PixelSize> Gemini3Table(IEnumerable<AspectRatio> ratios, IEnumerable<ImageSize> sizes)
    {
        var table = new Dictionary<(AspectRatio, ImageSize), PixelSize>();
        foreach (var ratio in ratios)
        {
            foreach (var size in sizes)
            {
                table[(ratio, size)] = Gemini3Pixels[ratio][(int)size];
            }
        }

        return table;
    }

    /// <summary>Each ratio with the sources that document it: every source's list, unioned in the standard order.</summary>
    private static Dictionary<AspectRatio, IReadOnlyList<string>> RatioSources(params (string Source, IEnumerable<AspectRatio> Ratios)[] documents)
    {
        var map = new Dictionary<AspectRatio, List<string>>();
        foreach (var (source, ratios) in documents)
        {
            foreach (var ratio in ratios)
            {
                if (!map.TryGetValue(ratio, out var list))
                {
                    map[ratio] = list = [];
                }

                list.Add(source);
            }
        }

        return map.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<string>)kv.Value);
    }

    /// <summary>Values taken from Google's documents alone; <paramref name="aliasSources"/> also name the model.</summary>
    private static Dictionary<string, IReadOnlyList<string>> GoogleValues(string[] aliasSources) => new()
    {
        ["aliases"] = ["google", .. aliasSources],
        ["sizes"] = ["google"],
        ["pixel_sizes"] = ["google"],
        ["max_reference_images"] = ["google"],
        ["supports_search"] = ["google"],
        ["thinking"] = ["google"],
        ["input_token_limit"] = ["google"],
        ["output_token_limit"] = ["google"],
        ["credits_per_image"] = ["google"],
    };

    /// <summary>Credits per image from tokens per image and credits per million image tokens, rounded to whole credits.</summary>
    private static Dictionary<ImageSize, int> PricesFromTokens(Dictionary<ImageSize, int> tokens, decimal imageCreditsPerMillion) =>
        tokens.ToDictionary(kv => kv.Key, kv => (int)Math.Round(kv.Value * imageCreditsPerMillion / 1_000_000m, MidpointRounding.AwayFromZero));

    private static readonly ImageSize[] LiteSizes = [ImageSize.Size1K];
    private static readonly ImageSize[] FlashSizes = [ImageSize.Size512, ImageSize.Size1K, ImageSize.Size2K, ImageSize.Size4K];
    private static readonly ImageSize[] ProSizes = [ImageSize.Size1K, ImageSize.Size2K, ImageSize.Size4K];

    /// <summary>Nano Banana 2 Lite. Priced at 45 credits a 1K image (seed 000), so its image tokens cost 45/1120 credits each.</summary>
    private static readonly ModelInfo Lite = new()
    {
        Id = "gemini-3.1-flash-lite-image",
        DisplayName = "Nano Banana 2 Lite",
        Description = "Gemini 3.1 Flash Lite Image: the fastest, cheapest Gemini image model, for high-volume 1K generation and light edits.",
        Aliases = ["nano-banana-2-lite", "gemini-3-1-flash-lite-image", "google/nano-banana-2-lite"],
        Sizes = LiteSizes,

        // Google's guide lists the 10 standard ratios; seed 003 documents 14, i.e. also 3.1 Flash's extremes
        // (1:4, 4:1, 1:8, 8:1), which the 3.1 family renders at the same 1K pixel sizes.
        AspectRatios = [.. StandardRatios, .. ExtremeRatios],
        AspectRatioSources = RatioSources(
            ("google", StandardRatios), ("seed-000", Seed000Ratios), ("seed-001", StandardRatios), ("seed-002", StandardRatios),
            ("seed-003", [.. StandardRatios, .. ExtremeRatios])),
        Pixels = Gemini3Table([.. StandardRatios, .. ExtremeRatios], LiteSizes),
        ValueSources = new Dictionary<string, IReadOnlyList<string>>
        {
            ["aliases"] = ["seed-000", "seed-003"],
            ["sizes"] = ["google", "seed-001", "seed-002", "seed-003"],
            ["pixel_sizes"] = ["google"],
            ["max_reference_images"] = ["seed-001"],
            ["supports_search"] = ["google", "seed-001"],
            ["thinking"] = ["seed-002", "seed-003"],
            ["input_token_limit"] = ["seed-003"],
            ["output_token_limit"] = ["seed-003"],
            ["credits_per_image"] = ["seed-000"],
        },
        MaxReferenceImages = 14,
        SupportsSearch = false,
        Thinking = ThinkingSupport.Levels,
        InputTokenLimit = 65_536,
        OutputTokenLimit = 4_096,
        TokensPerImage = new Dictionary<ImageSize, int> { [ImageSize.Size1K] = 1120 },
        CreditsPerImage = new Dictionary<ImageSize, int> { [ImageSize.Size1K] = 45 },
        TokenPrices = new TokenPrices(Input: 250m, OutputText: 1_500m, OutputImage: 45_000_000m / 1120m),
    };

    private static readonly Dictionary<ImageSize, int> FlashTokens = new()
    {
        [ImageSize.Size512] = 747,
        [ImageSize.Size1K] = 1120,
        [ImageSize.Size2K] = 1680,
        [ImageSize.Size4K] = 2520,
    };

    /// <summary>Nano Banana 2: Google's $60 per million image tokens, at 1,000 credits per dollar.</summary>
    private static readonly ModelInfo Flash = new()
    {
        Id = "gemini-3.1-flash-image",
        DisplayName = "Nano Banana 2",
        Description = "Gemini 3.1 Flash Image: the generalist, 512 to 4K, all 14 ratios, search grounding, strong references.",
        Aliases = ["gemini-3.1-flash-image-preview", "nano-banana-2", "google/nano-banana-2", "google/gemini-3-1-flash-image-preview", "gemini-3-1-flash-image", "gemini-3-1-flash-image-preview"],
        Sizes = FlashSizes,
        AspectRatios = [.. StandardRatios, .. ExtremeRatios],
        AspectRatioSources = RatioSources(("google", [.. StandardRatios, .. ExtremeRatios])),
        ValueSources = GoogleValues(["seed-004"]),
        Pixels = Gemini3Table([.. StandardRatios, .. ExtremeRatios], FlashSizes),
        MaxReferenceImages = 14,
        SupportsSearch = true,
        Thinking = ThinkingSupport.Levels,
        InputTokenLimit = 131_072,
        OutputTokenLimit = 32_768,
        TokensPerImage = FlashTokens,
        CreditsPerImage = PricesFromTokens(FlashTokens, 60_000m),
        TokenPrices = new TokenPrices(Input: 500m, OutputText: 3_000m, OutputImage: 60_000m),
    };

    private static readonly Dictionary<ImageSize, int> ProTokens = new()
    {
        [ImageSize.Size1K] = 1120,
        [ImageSize.Size2K] = 1120,
        [ImageSize.Size4K] = 2000,
    };

    /// <summary>Nano Banana Pro: $120 per million image tokens.</summary>
    private static readonly ModelInfo Pro = new()
    {
        Id = "gemini-3-pro-image",
        DisplayName = "Nano Banana Pro",
        Description = "Gemini 3 Pro Image: the professional model for complex layouts, precise text and 4K output; always thinks.",
        Aliases = ["gemini-3-pro-image-preview", "nano-banana-pro", "google/nano-banana-pro"],
        Sizes = ProSizes,
        AspectRatios = StandardRatios,
        AspectRatioSources = RatioSources(("google", StandardRatios)),
        ValueSources = GoogleValues([]),
        Pixels = Gemini3Table(StandardRatios, ProSizes),
        MaxReferenceImages = 14,
        SupportsSearch = true,
        Thinking = ThinkingSupport.AlwaysOn,
        InputTokenLimit = 131_072,
        OutputTokenLimit = 32_768,
        TokensPerImage = ProTokens,
        CreditsPerImage = PricesFromTokens(ProTokens, 120_000m),
        TokenPrices = new TokenPrices(Input: 2_000m, OutputText: 12_000m, OutputImage: 120_000m),
    };

    /// <summary>Nano Banana (2.5 Flash Image): $30 per million image tokens, one size per ratio.</summary>
    private static readonly ModelInfo Flash25 = new()
    {
        Id = "gemini-2.5-flash-image",
        DisplayName = "Nano Banana",
        Description = "Gemini 2.5 Flash Image: the original Nano Banana, one 1K size per ratio, up to 3 reference images.",
        Aliases = ["nano-banana", "gemini-2.5-flash-image-preview", "google/nano-banana", "gemini-2-5-flash-image"],
        Sizes = LiteSizes,
        AspectRatios = StandardRatios,
        AspectRatioSources = RatioSources(("google", StandardRatios)),
        ValueSources = GoogleValues([]),
        Pixels = Flash25Pixels.ToDictionary(kv => (kv.Key, ImageSize.Size1K), kv => kv.Value),
        MaxReferenceImages = 3,
        SupportsSearch = false,
        Thinking = ThinkingSupport.None,
        InputTokenLimit = 32_768,
        OutputTokenLimit = 32_768,
        TokensPerImage = new Dictionary<ImageSize, int> { [ImageSize.Size1K] = 1290 },
        CreditsPerImage = PricesFromTokens(new() { [ImageSize.Size1K] = 1290 }, 30_000m),
        TokenPrices = new TokenPrices(Input: 300m, OutputText: 2_500m, OutputImage: 30_000m),
    };

    /// <summary>The shared default instance (declared last: static initialisers run in textual order).</summary>
    public static ModelCatalog Default { get; } = new();
}
