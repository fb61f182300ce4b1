namespace Nanogate.Upstreams.Channels;

/// <summary>One generateContent call: the upstream model id and the Gemini JSON body, already serialized.</summary>
/// <param name="Model">The model id as the upstream knows it (a catalog <c>Id</c>).</param>
/// <param name="Body">UTF-8 JSON of a GenerateContentRequest.</param>
/// <param name="RequestId">Nanogate's request id, for logs.</param>
public sealed record UpstreamRequest(string Model, ReadOnlyMemory<byte> Body, string RequestId);
