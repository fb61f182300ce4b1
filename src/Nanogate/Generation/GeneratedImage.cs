using Nanogate.Upstreams.Gemini;

namespace Nanogate.Generation;

/// <summary>One image as the upstream made it (bytes untouched, so provenance marks survive).</summary>
internal sealed record GeneratedImage(byte[] Data, string MimeType, int Width, int Height, string Text, GeminiUsage? Usage, string Channel);
