namespace Nanogate.Admin.Wire;

/// <summary>The image a channel test made.</summary>
/// <param name="MimeType">Its media type.</param>
/// <param name="Bytes">Its size in bytes.</param>
/// <param name="DataUrl">The image as a data: URL.</param>
internal sealed record ChannelTestImage(string MimeType, int Bytes, string DataUrl);
