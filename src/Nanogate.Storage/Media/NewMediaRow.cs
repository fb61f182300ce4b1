namespace Nanogate.Storage.Media;

/// <summary>
/// The <c>media</c> row of an image whose file is already written: inserted on its own
/// (<see cref="IMediaIndex.InsertAsync"/>) or in the same transaction that records a task image's
/// success (one write transaction per image instead of two). Times are unix milliseconds.
/// </summary>
public sealed record NewMediaRow(string Id, string AccountId, string MimeType, long Bytes, int Width, int Height, long CreatedAt, long ExpiresAt);
