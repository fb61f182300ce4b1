namespace Nanogate.Upstreams.Channels;

/// <summary>One generateContent call: the upstream model id and the Gemini JSON body, already serialized.</summary>
/// <param name="Model">The model id as the upstream knows it (a catalog <c>Id</c>).</param>
/// <param name="Body">UTF-8 JSON of a GenerateContentRequest.</param>
/// <param name="RequestId">Nanogate's request id, for logs.</param>
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
}
