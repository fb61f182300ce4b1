using Nanogate.Storage.Media;

namespace Nanogate.Media;

/// <summary>One stored image: its metadata row (the bytes live in the <see cref="IMediaStore"/>).</summary>
/// <param name="Id"><c>med_…</c>.</param>
/// <param name="AccountId">The owner.</param>
/// <param name="MimeType">image/png, image/jpeg or image/webp.</param>
/// <param name="Bytes">Length of the data.</param>
/// <param name="Width">Pixels (0 when unknown).</param>
/// <param name="Height">Pixels (0 when unknown).</param>
/// <param name="CreatedAt">When stored.</param>
/// <param name="ExpiresAt">When links stop working and the bytes are purged.</param>
/// <param name="PurgedAt">When the bytes were deleted, or null.</param>
internal sealed record StoredMedia(
    string Id,
    string AccountId,
    string MimeType,
    long Bytes,
    int Width,
    int Height,
    DateTimeOffset CreatedAt,
    DateTimeOffset ExpiresAt,
    DateTimeOffset? PurgedAt)
{
    /// <summary>The strong entity tag: the quoted id (ids are random and stored bytes never change).</summary>
    public string ETag => $"\"{Id}\"";

    /// <summary>The row to insert for this image.</summary>
    public NewMediaRow ToRow() => new(Id, AccountId, MimeType, Bytes, Width, Height, CreatedAt.ToUnixTimeMilliseconds(), ExpiresAt.ToUnixTimeMilliseconds());

    /// <summary>An image from its stored row.</summary>
    public static StoredMedia FromRow(MediaRow row) => new(row.Id, row.AccountId, row.MimeType, row.Bytes, (int)row.Width, (int)row.Height,
        DateTimeOffset.FromUnixTimeMilliseconds(row.CreatedAt), DateTimeOffset.FromUnixTimeMilliseconds(row.ExpiresAt),
        row.PurgedAt is { } p ? DateTimeOffset.FromUnixTimeMilliseconds(p) : null);
}
