namespace Nanogate.Storage.Media;

/// <summary>A row of <c>media</c> (times are unix milliseconds).</summary>
/// <param name="Id"><c>med_…</c>.</param>
/// <param name="AccountId">The owner.</param>
/// <param name="MimeType">image/png, image/jpeg or image/webp.</param>
/// <param name="Bytes">Length of the file.</param>
/// <param name="Width">Pixels (0 when unknown).</param>
/// <param name="Height">Pixels (0 when unknown).</param>
/// <param name="CreatedAt">When stored.</param>
/// <param name="ExpiresAt">When links stop working and the file is purged.</param>
/// <param name="PurgedAt">When the file was deleted, or null.</param>
public sealed record MediaRow(string Id, string AccountId, string MimeType, long Bytes, long Width, long Height, long CreatedAt, long ExpiresAt, long? PurgedAt);
