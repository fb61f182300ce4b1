namespace Nanogate.Core.Requests;

/// <summary>An input image whose bytes were checked to be JPEG, PNG or WebP.</summary>
public sealed record ReferenceImage(byte[] Data, string MimeType, int Width, int Height)
{
    /// <summary>The largest input image every dialect accepts, decoded (10 MB, as the seeds document).</summary>
    public const int MaxBytes = 10 * 1024 * 1024;
}
