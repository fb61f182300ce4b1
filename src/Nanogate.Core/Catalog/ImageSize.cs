namespace Nanogate.Core.Catalog;

/// <summary>An output resolution tier, as Google names them in <c>imageConfig.imageSize</c>.</summary>
public enum ImageSize
{
    /// <summary>"512" (also written 0.5K).</summary>
    Size512 = 0,
    /// <summary>"1K".</summary>
    Size1K = 1,
    /// <summary>"2K".</summary>
    Size2K = 2,
    /// <summary>"4K".</summary>
    Size4K = 3,
}
