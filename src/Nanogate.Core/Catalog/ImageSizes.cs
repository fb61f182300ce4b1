namespace Nanogate.Core.Catalog;

/// <summary>Wire spellings of <see cref="ImageSize"/>.</summary>
public static class ImageSizes
{
    /// <summary>All tiers, smallest first.</summary>
    public static readonly IReadOnlyList<ImageSize> All = [ImageSize.Size512, ImageSize.Size1K, ImageSize.Size2K, ImageSize.Size4K];

    /// <summary>Google's exact, case-sensitive spelling.</summary>
    public static string ToWire(this ImageSize size) => size switch
    {
        ImageSize.Size512 => "512",
        ImageSize.Size1K => "1K",
        ImageSize.Size2K => "2K",
        ImageSize.Size4K => "4K",
        _ => throw new ArgumentOutOfRangeException(nameof(size)),
    };

    /// <summary>The seeds' spelling (their <c>resolution</c> field): "0.5K", "1K", "2K", "4K".</summary>
    public static string ToSeedWire(this ImageSize size) => size == ImageSize.Size512 ? "0.5K" : size.ToWire();

    /// <summary>Parses Google's exact spelling only ("512", "1K", "2K", "4K").</summary>
    public static bool TryParseWire(string? value, out ImageSize size)
    {
        switch (value)
        {
            case "512": size = ImageSize.Size512; return true;
            case "1K": size = ImageSize.Size1K; return true;
            case "2K": size = ImageSize.Size2K; return true;
            case "4K": size = ImageSize.Size4K; return true;
            default: size = ImageSize.Size1K; return false;
        }
    }

    /// <summary>Parses the lenient spellings of the task API: any case, "0.5K", "512", "1024", "2048", "4096".</summary>
    public static bool TryParseLenient(string? value, out ImageSize size)
    {
        switch (value?.Trim().ToUpperInvariant())
        {
            case "512" or "0.5K" or ".5K" or "512PX": size = ImageSize.Size512; return true;
            case "1K" or "1024" or "1024PX": size = ImageSize.Size1K; return true;
            case "2K" or "2048" or "2048PX": size = ImageSize.Size2K; return true;
            case "4K" or "4096" or "4096PX": size = ImageSize.Size4K; return true;
            default: size = ImageSize.Size1K; return false;
        }
    }
}
