using Nanogate.Core.Catalog;

namespace Nanogate.Upstreams.Simulator;

/// <summary>
/// One rendered simulator image, kept encoded twice: the PNG bytes and their base64 in UTF-8,
/// so a response can copy the base64 straight into the body without encoding or allocating.
/// </summary>
/// <param name="Size">The pixel dimensions.</param>
/// <param name="Png">The PNG file.</param>
/// <param name="Base64Utf8">The PNG as base64 text, UTF-8 (no quotes).</param>
internal sealed record SimulatedImage(PixelSize Size, byte[] Png, byte[] Base64Utf8);
