using Nanogate.Core.Catalog;
using Nanogate.Core.Requests;
using Nanogate.OpenAi;

namespace Nanogate.Tests.OpenAi;

public class OpenAiRequestMapperTests
{
    private static readonly ModelCatalog Catalog = ModelCatalog.Default;

    private static OpenAiImageJob Map(string? model = "nano-banana-2", string? size = null, string? quality = null, long? n = null, string? format = null, IReadOnlyList<ReferenceImage>? refs = null)
    {
        Assert.True(OpenAiRequestMapper.TryMap(new OpenAiImageParams(model, "a cat", n, size, quality, format), Catalog, refs ?? [], out var job, out var error), "expected a job");
        Assert.Null(error);
        return job!;
    }

    private static void Fails(string? model = "nano-banana-2", string? prompt = "a cat", string? size = null, string? quality = null, long? n = null, string? format = null) =>
        Assert.False(OpenAiRequestMapper.TryMap(new OpenAiImageParams(model, prompt, n, size, quality, format), Catalog, [], out _, out _));

    [Theory]
    [InlineData("1024x1024", "1:1")]
    [InlineData("1536x1024", "3:2")]
    [InlineData("1024x1536", "2:3")]
    [InlineData("1792x1024", "16:9")]
    [InlineData("1024x1792", "9:16")]
    [InlineData("3000x1000", "21:9")]
    [InlineData("16:9", "16:9")]
    [InlineData("7:3", "21:9")]
    public void Sizes_map_to_the_nearest_supported_ratio(string size, string ratio) =>
        Assert.Equal(ratio, Map(model: "nano-banana-2-lite", size: size).Request.EffectiveRatio.ToString());

    [Fact]
    public void A_changed_size_is_reported_and_an_exact_one_is_not()
    {
        Assert.Empty(Map(size: "1536x1024").Adjustments);
        Assert.Contains("size 1792x1024->16:9", Map(size: "1792x1024").Adjustments);
    }

    [Fact]
    public void Auto_leaves_the_ratio_to_the_model_or_the_first_input_image()
    {
        Assert.Null(Map(size: "auto").Request.AspectRatio);
        Assert.Equal("1:1", Map(size: "auto").Request.EffectiveRatio.ToString());
        var wide = new ReferenceImage([1], "image/png", 1600, 900);
        Assert.Equal("16:9", Map(size: null, refs: [wide]).Request.EffectiveRatio.ToString());
    }

    [Theory]
    [InlineData("nano-banana-2", "low", ImageSize.Size512)]
    [InlineData("nano-banana-2", "medium", ImageSize.Size1K)]
    [InlineData("nano-banana-2", "auto", ImageSize.Size1K)]
    [InlineData("nano-banana-2", null, ImageSize.Size1K)]
    [InlineData("nano-banana-2", "high", ImageSize.Size2K)]
    [InlineData("nano-banana-pro", "low", ImageSize.Size1K)]
    [InlineData("nano-banana-2-lite", "low", ImageSize.Size1K)]
    [InlineData("nano-banana-2-lite", "high", ImageSize.Size1K)]
    public void Quality_picks_a_tier_the_model_has(string model, string? quality, ImageSize expected) =>
        Assert.Equal(expected, Map(model: model, quality: quality).Request.Size);

    [Fact]
    public void No_model_means_the_recommended_one() =>
        Assert.Equal("gemini-3.1-flash-lite-image", Map(model: null).Request.Model.Id);

    [Fact]
    public void Response_format_defaults_to_b64_json()
    {
        Assert.False(Map().AsUrl);
        Assert.True(Map(format: "url").AsUrl);
    }

    [Fact]
    public void Bad_values_are_rejected()
    {
        Fails(model: "dall-e-3");
        Fails(prompt: " ");
        Fails(n: 0);
        Fails(n: 5);
        Fails(size: "0x100");
        Fails(size: "wide");
        Fails(quality: "ultra");
        Fails(format: "png");
    }

    [Fact]
    public void Too_many_input_images_for_the_model_are_rejected()
    {
        var image = new ReferenceImage([1], "image/png", 8, 8);
        Assert.False(OpenAiRequestMapper.TryMap(new OpenAiImageParams("nano-banana", "x", null, null, null, null), Catalog, [image, image, image, image], out _, out _));
        Assert.True(OpenAiRequestMapper.TryMap(new OpenAiImageParams("nano-banana", "x", null, null, null, null), Catalog, [image, image, image], out _, out _));
    }
}
