using Nanogate.Core.Catalog;

namespace Nanogate.Core.Requests;

/// <summary>
/// The canonical request every dialect is translated into: one model, one prompt, the output shape,
/// and the reference images. <see cref="N"/> images are made from it, each as its own upstream call.
/// </summary>
public sealed record ImageRequest
{
    /// <summary>The catalog model.</summary>
    public required ModelInfo Model { get; init; }

    /// <summary>What to draw (non-empty).</summary>
    public required string Prompt { get; init; }

    /// <summary>The ratio asked for, or null for automatic (the first reference image's, else 1:1).</summary>
    public AspectRatio? AspectRatio { get; init; }

    /// <summary>The tier the model will render (already made effective for the model).</summary>
    public ImageSize Size { get; init; } = ImageSize.Size1K;

    /// <summary>"minimal" or "high" for models with thinking levels, else null.</summary>
    public string? ThinkingLevel { get; init; }

    /// <summary>Whether to ground with Google Search (only ever true for models that have it).</summary>
    public bool Search { get; init; }

    /// <summary>Reference images, at most the model's limit.</summary>
    public IReadOnlyList<ReferenceImage> ReferenceImages { get; init; } = [];

    /// <summary>How many images (1..4).</summary>
    public int N { get; init; } = 1;

    /// <summary>What was changed to fit the model (downgrades, ignored flags).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>The ratio that will be rendered.</summary>
    public AspectRatio EffectiveRatio => AspectRatio
        ?? (ReferenceImages.Count > 0 && ReferenceImages[0].Width > 0 && ReferenceImages[0].Height > 0
            ? Model.NearestRatio(ReferenceImages[0].Width, ReferenceImages[0].Height)
            : ModelInfo.DefaultAspectRatio);

    /// <summary>The pixel size the catalog expects.</summary>
    public PixelSize ExpectedPixels => Model.PixelsFor(EffectiveRatio, Size);

    /// <summary>Credits for one successful image.</summary>
    public int PricePerImage => Model.PriceFor(Size);
}
