namespace Nanogate.Generation;

/// <summary>Either an image or the reason there is none.</summary>
internal sealed record ImageOutcome(GeneratedImage? Image, ImageFailure? Failure)
{
    /// <summary>A success.</summary>
    public static ImageOutcome Of(GeneratedImage image) => new(image, null);

    /// <summary>A failure.</summary>
    public static ImageOutcome Failed(ImageFailure failure) => new(null, failure);
}
