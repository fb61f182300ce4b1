namespace Nanogate.Tasks;

/// <summary>The bytes of a fetched image URL (the caller sniffs the real format; the header is only a hint).</summary>
/// <param name="Data">The body, at most the requested maximum.</param>
/// <param name="ContentType">The server's Content-Type header, if any.</param>
internal sealed record FetchedImage(byte[] Data, string? ContentType);
