namespace Nanogate.Media;

/// <summary>Something found in a media store by an orphan sweep.</summary>
/// <param name="Location">The file path or object key.</param>
/// <param name="MediaId">The media id it holds, or null when it is not a media blob (a probe, a temp file).</param>
internal sealed record MediaBlob(string Location, string? MediaId);
