namespace Nanogate.Storage.Tasks;

/// <summary>
/// The <c>media</c> row of an image whose file is already written, inserted in the same transaction
/// that records the image's success (one write transaction per image instead of two).
/// </summary>
public sealed record NewMediaRow(string Id, string AccountId, string MimeType, long Bytes, int Width, int Height, long CreatedAt, long ExpiresAt);
