namespace Nanogate.Core.Images;

/// <summary>What an image's own bytes say it is: its format, MIME type and pixel dimensions.</summary>
/// <param name="Format">The encoding found by its signature.</param>
/// <param name="MimeType">The MIME type matching <paramref name="Format"/>.</param>
/// <param name="Width">Width in pixels, from the header.</param>
/// <param name="Height">Height in pixels, from the header.</param>
public readonly record struct ImageInfo(ImageFormat Format, string MimeType, int Width, int Height);
