namespace Nanogate.Upstreams.Gemini;

/// <summary>Where an inlineData part's base64 string sits in a response body (so it is decoded once, at the end).</summary>
/// <param name="MimeType">The declared mime type.</param>
/// <param name="Start">Offset of the string's first character (after the opening quote).</param>
/// <param name="Length">Length of the raw string value in bytes.</param>
/// <param name="Escaped">Whether the raw value contains JSON escapes.</param>
internal readonly record struct ImageLocation(string MimeType, int Start, int Length, bool Escaped);
