namespace Nanogate.Upstreams.Gemini;

/// <summary>The fields of Google's File resource the channel reads.</summary>
/// <param name="Name"><c>files/{id}</c>.</param>
/// <param name="Uri">The URI a fileData part names.</param>
/// <param name="MimeType">The file's type.</param>
/// <param name="State">PROCESSING, ACTIVE or FAILED.</param>
internal sealed record GeminiFileResource(string? Name, string? Uri, string? MimeType, string? State);
