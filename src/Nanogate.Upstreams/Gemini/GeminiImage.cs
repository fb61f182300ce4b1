namespace Nanogate.Upstreams.Gemini;

/// <summary>An image of a response: its declared mime type and its decoded bytes, exactly as sent.</summary>
public sealed record GeminiImage(string MimeType, byte[] Data);
