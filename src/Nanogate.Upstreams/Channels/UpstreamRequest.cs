namespace Nanogate.Upstreams.Channels;

/// <summary>One generateContent call: the upstream model id and the Gemini JSON body, already serialized.</summary>
/// <param name="Model">The model id as the upstream knows it (a catalog <c>Id</c>).</param>
/// <param name="Body">UTF-8 JSON of a GenerateContentRequest.</param>
/// <param name="RequestId">Nanogate's request id, for logs.</param>
/// <param name="DecodeImage">
/// Whether the response's final image is decoded into <see cref="UpstreamResponse.Summary"/> in the
/// same pass that validates the body (callers that store images), or only located (passthrough).
/// </param>
public sealed record UpstreamRequest(string Model, ReadOnlyMemory<byte> Body, string RequestId, bool DecodeImage = false);
