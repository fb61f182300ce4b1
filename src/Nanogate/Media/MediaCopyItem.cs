namespace Nanogate.Media;

/// <summary>One image row of the source install, as the media copy needs it.</summary>
/// <param name="Id">The media id (kept as it is: the copied rows name it).</param>
/// <param name="MimeType">Its content type (S3 stores it with the object).</param>
/// <param name="ExpiresAt">When its links stop working (unix ms).</param>
/// <param name="Purged">True when its bytes were already deleted on expiry (nothing to copy).</param>
internal sealed record MediaCopyItem(string Id, string MimeType, long ExpiresAt, bool Purged);
