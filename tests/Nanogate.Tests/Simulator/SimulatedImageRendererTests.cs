using Nanogate.Core.Catalog;
using Nanogate.Core.Images;
using Nanogate.Upstreams.Simulator;

namespace Nanogate.Tests.Simulator;

public class SimulatedImageRendererTests
{
    public static TheoryData<string, string, ImageSize> EveryCatalogImage()
    {
        var data = new TheoryData<string, string, ImageSize>();
        foreach (var model in ModelCatalog.Default.Models)
        {
            foreach (var ratio in model.AspectRatios)
            {
                foreach (var size in model.Sizes)
                {
                    data.Add(model.Id, ratio.ToString(), size);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(EveryCatalogImage))]
    public void Every_catalog_ratio_and_size_renders_at_its_exact_pixel_size(string modelId, string ratioText, ImageSize size)
    {
        var model = ModelCatalog.Default.Find(modelId)!;
        Assert.True(AspectRatio.TryParse(ratioText, out var ratio));
        var expected = model.PixelsFor(ratio, size);
        Assert.Equal(expected, SimulatedImageRenderer.PixelsFor(model, ratio, size, draft: false));

        // Rendering 2K and 4K for every ratio would take minutes; those sizes are checked through the
        // planned size above, and one 2K image is rendered in full below.
        if (size <= ImageSize.Size1K)
        {
            var image = new SimulatedImageRenderer(capacity: 1).GetOrRender("size check", model, ratio, size);
            Assert.Equal(expected, image.Size);
            Assert.True(ImageSniffer.TryIdentify(image.Png, out var info));
            Assert.Equal((expected.Width, expected.Height), (info.Width, info.Height));
        }
    }

    [Fact]
    public void A_2K_render_has_the_catalog_size()
    {
        var model = ModelCatalog.Default.Find("gemini-3.1-flash-image")!;
        var image = SimulatedImageRenderer.Render("2K", model.Id, new AspectRatio(21, 9), model.PixelsFor(new AspectRatio(21, 9), ImageSize.Size2K));

        Assert.True(ImageSniffer.TryIdentify(image.Png, out var info));
        Assert.Equal((3168, 1344), (info.Width, info.Height));
    }

    [Fact]
    public void Same_inputs_render_the_same_bytes_and_other_prompts_do_not()
    {
        var size = new PixelSize(256, 144);
        var first = SimulatedImageRenderer.Render("a lighthouse", "gemini-3.1-flash-image", new AspectRatio(16, 9), size);
        var second = SimulatedImageRenderer.Render("a lighthouse", "gemini-3.1-flash-image", new AspectRatio(16, 9), size);
        var other = SimulatedImageRenderer.Render("a lighthouse!", "gemini-3.1-flash-image", new AspectRatio(16, 9), size);

        Assert.Equal(first.Png, second.Png);
        Assert.NotEqual(first.Png, other.Png);
    }

    [Fact]
    public void Base64_is_the_png_encoded()
    {
        var image = SimulatedImageRenderer.Render("b64", "m", new AspectRatio(1, 1), new PixelSize(32, 32));

        Assert.Equal(Convert.ToBase64String(image.Png), System.Text.Encoding.ASCII.GetString(image.Base64Utf8));
    }

    [Fact]
    public void Rendered_pixels_survive_encoding()
    {
        var size = new PixelSize(40, 30);
        var rgb = new byte[40 * 30 * 3];
        SimulatedImageRenderer.Paint(rgb, "pixels", "m", new AspectRatio(4, 3), size, draft: false);
        var image = SimulatedImageRenderer.Render("pixels", "m", new AspectRatio(4, 3), size);

        Assert.Equal(rgb, PngWriterTests.Decode(image.Png, out _, out _));
    }

    [Fact]
    public void A_1K_render_is_about_the_size_of_a_google_1K_png()
    {
        var image = SimulatedImageRenderer.Render("size", "gemini-3.1-flash-lite-image", new AspectRatio(1, 1), new PixelSize(1024, 1024));

        Assert.InRange(image.Png.Length, 900_000, 1_250_000);
    }

    [Fact]
    public void Cache_returns_the_same_image_and_evicts_the_least_recently_used()
    {
        var renderer = new SimulatedImageRenderer(capacity: 2);
        var model = ModelCatalog.Default.Find("gemini-3.1-flash-image")!;
        var ratio = new AspectRatio(1, 1);

        var a = renderer.GetOrRender("a", model, ratio, ImageSize.Size512);
        Assert.Same(a, renderer.GetOrRender("a", model, ratio, ImageSize.Size512));
        var b = renderer.GetOrRender("b", model, ratio, ImageSize.Size512);
        Assert.Same(a, renderer.GetOrRender("a", model, ratio, ImageSize.Size512)); // a is now the most recent
        renderer.GetOrRender("c", model, ratio, ImageSize.Size512);                 // evicts b

        Assert.Equal(2, renderer.CachedCount);
        Assert.Same(a, renderer.GetOrRender("a", model, ratio, ImageSize.Size512));
        Assert.NotSame(b, renderer.GetOrRender("b", model, ratio, ImageSize.Size512));
    }

    [Fact]
    public void Cache_keys_on_the_effective_size_and_keeps_drafts_apart()
    {
        var renderer = new SimulatedImageRenderer();
        var lite = ModelCatalog.Default.Find("nano-banana-2-lite")!;
        var ratio = new AspectRatio(16, 9);

        var oneK = renderer.GetOrRender("k", lite, ratio, ImageSize.Size1K);
        Assert.Same(oneK, renderer.GetOrRender("k", lite, ratio, ImageSize.Size4K));
        var draft = renderer.GetOrRender("k", lite, ratio, ImageSize.Size1K, draft: true);
        Assert.Equal(new PixelSize(688, 384), draft.Size);
    }

    [Fact]
    public void Cache_stays_within_its_pixel_budget()
    {
        var renderer = new SimulatedImageRenderer(capacity: 32, maxPixels: 600_000);
        var model = ModelCatalog.Default.Find("gemini-3.1-flash-image")!;
        for (var i = 0; i < 4; i++)
        {
            renderer.GetOrRender($"p{i}", model, new AspectRatio(1, 1), ImageSize.Size512); // 262,144 pixels each
        }

        Assert.Equal(2, renderer.CachedCount);
    }
}
