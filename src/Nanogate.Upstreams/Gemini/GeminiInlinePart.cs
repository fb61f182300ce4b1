namespace Nanogate.Upstreams.Gemini;

/// <summary>
/// Where one <c>inlineData</c> property of a user content sits in a GenerateContentRequest body: the bytes
/// from its name to the end of its object (what a <c>fileData</c> property replaces), and its base64 data.
/// </summary>
/// <param name="Start">Offset of the property name's opening quote.</param>
/// <param name="End">Offset just past the inlineData object's closing brace.</param>
/// <param name="DataStart">Offset of the first base64 character (inside the quotes).</param>
/// <param name="DataLength">Length of the base64 text as written (escapes included).</param>
/// <param name="DataEscaped">Whether the base64 text has JSON escapes (e.g. <c>\/</c>).</param>
/// <param name="MimeType">The declared mimeType, if any.</param>
/// <param name="Path">Where it is, for messages: <c>contents[0].parts[3]</c>.</param>
internal readonly record struct GeminiInlinePart(int Start, int End, int DataStart, int DataLength, bool DataEscaped, string? MimeType, string Path)
{
    /// <summary>The decoded size, near enough (padding aside) to rank and to check against limits.</summary>
    public long DecodedBytes => (long)DataLength * 3 / 4;
}
