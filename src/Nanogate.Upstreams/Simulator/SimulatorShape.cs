using System.Globalization;
using Nanogate.Core.Catalog;

namespace Nanogate.Upstreams.Simulator;

/// <summary>
/// The output shape the non-Gemini simulator surfaces read from their requests (<c>size</c> as <c>WxH</c> or a
/// ratio, <c>aspect_ratio</c>, <c>resolution</c>) and the stateless image link they answer with: the link names
/// everything the deterministic renderer needs, so <c>GET /simulator/render</c> draws the same image again.
/// </summary>
internal static class SimulatorShape
{
    /// <summary>The ratio and tier of a request (the model's defaults where absent or unknown).</summary>
    public static (AspectRatio Ratio, ImageSize Size) Read(ModelInfo model, string? size, string? aspectRatio, string? resolution)
    {
        var ratio = ModelInfo.DefaultAspectRatio;
        if (AspectRatio.TryParse(aspectRatio, out var r) && model.Supports(r))
        {
            ratio = r;
        }
        else if (size is not null && AspectRatio.TryParse(size, out r) && model.Supports(r))
        {
            ratio = r;
        }
        else if (size?.Split('x') is [var w, var h] && int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out var width)
            && int.TryParse(h, NumberStyles.None, CultureInfo.InvariantCulture, out var height) && width > 0 && height > 0)
        {
            ratio = model.NearestRatio(width, height);
        }

        var tier = ImageSizes.TryParseLenient(resolution, out var t) ? model.EffectiveSize(t) : model.DefaultSize;
        if (resolution is null && size?.Split('x') is [var sw, _] && int.TryParse(sw, NumberStyles.None, CultureInfo.InvariantCulture, out var pixels))
        {
            // A pixel size names its tier too: the smallest the model has that is at least that wide.
            tier = model.Sizes.FirstOrDefault(s => model.PixelsFor(ratio, s).Width >= pixels, model.Sizes[^1]);
        }

        return (ratio, tier);
    }

    /// <summary>The link of the rendered image (relative to the host).</summary>
    public static string Link(string prompt, ModelInfo model, AspectRatio ratio, ImageSize size) =>
        $"/simulator/render?model={Uri.EscapeDataString(model.Id)}&ratio={ratio.Width}:{ratio.Height}&size={size.ToWire()}&prompt={Uri.EscapeDataString(prompt)}";
}
