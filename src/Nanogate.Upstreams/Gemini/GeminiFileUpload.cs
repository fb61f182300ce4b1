namespace Nanogate.Upstreams.Gemini;

/// <summary>The answer to a finalized upload: <c>{"file":{…}}</c>.</summary>
/// <param name="File">The new file.</param>
internal sealed record GeminiFileUpload(GeminiFileResource? File);
