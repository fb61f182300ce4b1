namespace Nanogate.Core.Images;

/// <summary>The image encodings Nanogate accepts and serves.</summary>
public enum ImageFormat
{
    /// <summary>Portable Network Graphics.</summary>
    Png,
    /// <summary>JPEG (JFIF or Exif).</summary>
    Jpeg,
    /// <summary>WebP (lossy VP8, lossless VP8L or extended VP8X).</summary>
    Webp,
}
