using Nanogate.Core.Catalog;
using Nanogate.Core.Requests;

namespace Nanogate.Upstreams.Channels;

/// <summary>
/// One image call, provider-neutral: the core <see cref="ImageRequest"/> when the dialect has one, and the
/// prepared Gemini body (so Gemini-speaking channels pass it on byte for byte). A channel that does not speak
/// Gemini reads <see cref="CoreRequest"/>, which falls back to reading the Gemini body only then, so the
/// passthrough never pays for a translation it does not need.
/// </summary>
/// <param name="Model">The model id as the upstream knows it (the router applies the channel's model map).</param>
/// <param name="Body">UTF-8 JSON of a GenerateContentRequest.</param>
/// <param name="RequestId">Nanogate's request id, for logs and as the idempotency key towards relays.</param>
/// <param name="DecodeImage">
/// Whether the response's final image is decoded into <see cref="UpstreamResponse.Summary"/> in the
/// same pass that validates the body (callers that store images), or only located (passthrough).
/// </param>
/// <param name="ImageIndex">Which image of a request with n &gt; 1 this call makes (0 for the first or only one).</param>
public sealed record UpstreamRequest(string Model, ReadOnlyMemory<byte> Body, string RequestId, bool DecodeImage = false, int ImageIndex = 0)
{
    /// <summary>
    /// The header carrying <see cref="ImageIndex"/> when it is above 0: the simulator seeds each image of a
    /// request differently from it; Google ignores headers it does not know.
    /// </summary>
    public const string ImageIndexHeader = "x-nanogate-image-index";
    /// <summary>The core request, when the dialect built one (tasks, OpenAI); null on the Gemini passthrough.</summary>
    public ImageRequest? Image { get; init; }

    /// <summary>The catalog model (before any model map), when known; lets non-Gemini channels read the Gemini body.</summary>
    public ModelInfo? CatalogModel { get; init; }

    /// <summary>
    /// The core request: <see cref="Image"/>, else read from the Gemini body (prompt text, inline images,
    /// aspect ratio, size). Null when neither is available.
    /// </summary>
    public ImageRequest? CoreRequest() =>
        Image ?? ((CatalogModel ?? ModelCatalog.Default.Find(Model)) is { } model ? Gemini.GeminiBodyReader.ToImageRequest(Body.Span, model) : null);
}
