using Nanogate.Core.Catalog;

namespace Nanogate.Tests.Catalog;

public class ModelCatalogTests
{
    private readonly ModelCatalog _catalog = ModelCatalog.Default;

    [Theory]
    [InlineData("gemini-3.1-flash-lite-image", "gemini-3.1-flash-lite-image")]
    [InlineData("nano-banana-2-lite", "gemini-3.1-flash-lite-image")]
    [InlineData("gemini-3-1-flash-lite-image", "gemini-3.1-flash-lite-image")]
    [InlineData("models/gemini-3.1-flash-lite-image", "gemini-3.1-flash-lite-image")]
    [InlineData("NANO-BANANA-2-LITE", "gemini-3.1-flash-lite-image")]
    [InlineData("gemini-3.1-flash-image", "gemini-3.1-flash-image")]
    [InlineData("gemini-3.1-flash-image-preview", "gemini-3.1-flash-image")]
    [InlineData("nano-banana-2", "gemini-3.1-flash-image")]
    [InlineData("google/nano-banana-2", "gemini-3.1-flash-image")]
    [InlineData("google/gemini-3-1-flash-image-preview", "gemini-3.1-flash-image")]
    [InlineData("gemini-3-pro-image", "gemini-3-pro-image")]
    [InlineData("gemini-3-pro-image-preview", "gemini-3-pro-image")]
    [InlineData("nano-banana-pro", "gemini-3-pro-image")]
    [InlineData("gemini-2.5-flash-image", "gemini-2.5-flash-image")]
    [InlineData("nano-banana", "gemini-2.5-flash-image")]
    public void Aliases_resolve_to_the_stable_id(string name, string id) => Assert.Equal(id, _catalog.Find(name)?.Id);

    [Theory]
    [InlineData("")]
    [InlineData("gpt-image-1")]
    [InlineData("nano-banana-3")]
    public void Unknown_names_are_not_found(string name) => Assert.Null(_catalog.Find(name));
}

public class ModelCatalogRulesTests
{
    private static readonly ModelCatalog Catalog = ModelCatalog.Default;
    private static ModelInfo Lite => Catalog.Find("nano-banana-2-lite")!;
    private static ModelInfo Flash => Catalog.Find("nano-banana-2")!;
    private static ModelInfo Pro => Catalog.Find("nano-banana-pro")!;
    private static ModelInfo Banana => Catalog.Find("nano-banana")!;

    [Fact]
    public void Lite_renders_1K_only_and_downgrades_every_other_tier_to_it()
    {
        Assert.Equal([ImageSize.Size1K], Lite.Sizes);
        foreach (var size in ImageSizes.All)
        {
            Assert.Equal(ImageSize.Size1K, Lite.EffectiveSize(size));
        }
    }

    [Fact]
    public void Pro_has_no_512_and_takes_1K_instead()
    {
        Assert.Equal(ImageSize.Size1K, Pro.EffectiveSize(ImageSize.Size512));
        Assert.Equal(ImageSize.Size4K, Pro.EffectiveSize(ImageSize.Size4K));
    }

    [Theory]
    [InlineData("1:1", 1024, 1024)]
    [InlineData("16:9", 1376, 768)]
    [InlineData("9:16", 768, 1376)]
    [InlineData("21:9", 1584, 672)]
    [InlineData("3:2", 1264, 848)]
    [InlineData("4:5", 928, 1152)]
    public void Lite_pixel_sizes_follow_googles_table(string ratio, int width, int height)
    {
        Assert.True(AspectRatio.TryParse(ratio, out var r));
        Assert.Equal(new PixelSize(width, height), Lite.PixelsFor(r, ImageSize.Size1K));
    }

    [Fact]
    public void Flash_has_the_extreme_ratios_and_all_four_tiers()
    {
        Assert.Equal(14, Flash.AspectRatios.Count);
        Assert.Equal(new PixelSize(192, 1536), Flash.PixelsFor(new AspectRatio(1, 8), ImageSize.Size512));
        Assert.Equal(new PixelSize(5504, 3072), Flash.PixelsFor(new AspectRatio(16, 9), ImageSize.Size4K));
        Assert.False(Pro.Supports(new AspectRatio(1, 8)));
    }

    [Fact]
    public void Lite_accepts_the_14_ratios_of_seed_003_at_exact_1K_pixels_and_names_the_sources()
    {
        Assert.Equal(14, Lite.AspectRatios.Count);
        Assert.Equal(new PixelSize(384, 3072), Lite.PixelsFor(new AspectRatio(1, 8), ImageSize.Size1K));
        Assert.Equal(new PixelSize(2048, 512), Lite.PixelsFor(new AspectRatio(4, 1), ImageSize.Size4K));
        Assert.Equal(["seed-003"], Lite.AspectRatioSources[new AspectRatio(1, 4)]);
        Assert.Equal(["google", "seed-000", "seed-001", "seed-002", "seed-003"], Lite.AspectRatioSources[new AspectRatio(16, 9)]);
        Assert.Equal(["google", "seed-001", "seed-002", "seed-003"], Lite.AspectRatioSources[new AspectRatio(21, 9)]);
        Assert.All(ModelCatalog.Default.Models, m => Assert.All(m.AspectRatios, r => Assert.NotEmpty(m.AspectRatioSources[r])));
        Assert.Equal(["seed-003"], Lite.ValueSources["input_token_limit"]);
        Assert.All(ModelCatalog.Default.Models, m => Assert.All(m.ValueSources.Values.SelectMany(v => v), key => Assert.True(ModelCatalog.Sources.ContainsKey(key), key)));
    }

    [Fact]
    public void Nano_banana_has_one_size_per_ratio()
    {
        Assert.Equal(new PixelSize(1344, 768), Banana.PixelsFor(new AspectRatio(16, 9), ImageSize.Size4K));
        Assert.Equal(3, Banana.MaxReferenceImages);
        Assert.Equal(ThinkingSupport.None, Banana.Thinking);
    }

    [Fact]
    public void Capabilities_match_the_reference()
    {
        Assert.Equal(14, Lite.MaxReferenceImages);
        Assert.False(Lite.SupportsSearch);
        Assert.True(Flash.SupportsSearch);
        Assert.True(Pro.SupportsSearch);
        Assert.Equal(ThinkingSupport.Levels, Lite.Thinking);
        Assert.Equal(ThinkingSupport.AlwaysOn, Pro.Thinking);
        Assert.Equal(65_536, Lite.InputTokenLimit);
        Assert.Equal(4_096, Lite.OutputTokenLimit);
        Assert.Equal(1120, Lite.TokensPerImage[ImageSize.Size1K]);
        Assert.Equal(2520, Flash.TokensPerImage[ImageSize.Size4K]);
        Assert.Equal(1290, Banana.TokensPerImage[ImageSize.Size1K]);
    }

    [Fact]
    public void Lite_costs_45_credits_which_is_0_0225_to_0_045_usd()
    {
        Assert.Equal(45, Lite.PriceFor(ImageSize.Size1K));
        Assert.Equal(45, Lite.PriceFor(ImageSize.Size4K));
        Assert.Equal((0.0225m, 0.045m), Catalog.UsdRange(45));
    }

    [Fact]
    public void Other_prices_follow_googles_token_prices_at_1000_credits_per_dollar()
    {
        Assert.Equal(67, Flash.PriceFor(ImageSize.Size1K));
        Assert.Equal(151, Flash.PriceFor(ImageSize.Size4K));
        Assert.Equal(134, Pro.PriceFor(ImageSize.Size2K));
        Assert.Equal(240, Pro.PriceFor(ImageSize.Size4K));
        Assert.Equal(39, Banana.PriceFor(ImageSize.Size1K));
    }

    [Fact]
    public void Packages_run_from_entry_1000_to_best_2000_credits_per_dollar()
    {
        Assert.Equal(1000, Catalog.FindPackage("entry")!.CreditsPerUsd);
        Assert.Equal(2000, Catalog.FindPackage("BEST")!.CreditsPerUsd);
        Assert.Null(Catalog.FindPackage("gold"));
    }

    [Theory]
    [InlineData(1920, 1080, "16:9")]
    [InlineData(1024, 1024, "1:1")]
    [InlineData(1000, 1500, "2:3")]
    [InlineData(2560, 1080, "21:9")]
    [InlineData(800, 1000, "4:5")]
    public void Pixel_sizes_map_to_the_nearest_supported_ratio(int width, int height, string expected) =>
        Assert.Equal(expected, Lite.NearestRatio(width, height).ToString());

    [Theory]
    [InlineData("16:9", true)]
    [InlineData(" 4:3 ", true)]
    [InlineData("16x9", false)]
    [InlineData("0:1", false)]
    [InlineData("-1:1", false)]
    [InlineData("a:b", false)]
    [InlineData("", false)]
    public void Ratios_parse_strictly(string text, bool ok) => Assert.Equal(ok, AspectRatio.TryParse(text, out _));

    [Theory]
    [InlineData("2k", ImageSize.Size2K)]
    [InlineData("0.5K", ImageSize.Size512)]
    [InlineData("512", ImageSize.Size512)]
    [InlineData("4K", ImageSize.Size4K)]
    [InlineData("1024", ImageSize.Size1K)]
    public void Task_api_resolutions_parse_in_any_case(string text, ImageSize expected)
    {
        Assert.True(ImageSizes.TryParseLenient(text, out var size));
        Assert.Equal(expected, size);
    }

    [Fact]
    public void Gemini_wire_sizes_are_case_sensitive()
    {
        Assert.True(ImageSizes.TryParseWire("2K", out _));
        Assert.False(ImageSizes.TryParseWire("2k", out _));
        Assert.False(ImageSizes.TryParseWire("1080p", out _));
    }
}
