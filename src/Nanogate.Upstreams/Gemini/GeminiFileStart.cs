namespace Nanogate.Upstreams.Gemini;

/// <summary>The body of an upload's <c>start</c>: <c>{"file":{"displayName":…}}</c>.</summary>
/// <param name="File">The file's metadata.</param>
internal sealed record GeminiFileStart(GeminiFileStartFile File);
