namespace Nanogate.Upstreams.Gemini;

/// <summary>The metadata sent at an upload's start.</summary>
/// <param name="DisplayName">A name to recognise the file by (the request id and the image's number).</param>
internal sealed record GeminiFileStartFile(string DisplayName);
