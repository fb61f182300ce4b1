namespace Nanogate.Media;

/// <summary>What the media copy did.</summary>
/// <param name="Copied">Images written to the target.</param>
/// <param name="AlreadyThere">Images the target already had with the same length (an earlier run, or the same folder).</param>
/// <param name="Purged">Rows whose bytes were purged on expiry (nothing to copy).</param>
/// <param name="ExpiredWithoutBytes">Expired rows whose bytes were already gone (a purge that deleted them but had not marked the row).</param>
/// <param name="Missing">Ids of unexpired images whose bytes the source lacks; the copy fails when there are any.</param>
internal sealed record MediaCopyResult(int Copied, int AlreadyThere, int Purged, int ExpiredWithoutBytes, IReadOnlyList<string> Missing);
