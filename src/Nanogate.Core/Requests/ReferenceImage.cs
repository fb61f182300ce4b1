namespace Nanogate.Core.Requests;

/// <summary>An input image whose bytes were checked to be JPEG, PNG or WebP.</summary>
public sealed record ReferenceImage(byte[] Data, string MimeType, int Width, int Height);
