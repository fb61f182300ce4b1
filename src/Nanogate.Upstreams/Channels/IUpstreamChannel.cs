namespace Nanogate.Upstreams.Channels;

/// <summary>
/// An upstream: one configured account at one provider (Google AI, Vertex AI, an OpenAI Images platform, a
/// seed-shaped task platform, the simulator). It takes an <see cref="UpstreamRequest"/> (the core request and,
/// for Gemini speakers, the prepared body) and answers an <see cref="UpstreamResponse"/> whose
/// <see cref="UpstreamResponse.Summary"/> is the core result. Kinds that do not speak Gemini synthesise the
/// Gemini body only when a Gemini-dialect caller reads it.
/// </summary>
public interface IUpstreamChannel
{
    /// <summary>Unique channel name, e.g. "simulator" or "gemini-1".</summary>
    string Name { get; }

    /// <summary>The kind's name ("gemini", "vertex", …); sent to callers as <c>x-nanogate-upstream</c>.</summary>
    string Kind { get; }

    /// <summary>
    /// The largest reference image this upstream can take, when it caps them (Vertex AI: 7 MB inline and no Files
    /// API); null when any image the dialects accept (10 MB) can be sent.
    /// </summary>
    int? MaxReferenceImageBytes => null;

    /// <summary>Makes one answer, or a failure. Never throws for upstream faults; only the caller's cancellation throws.</summary>
    Task<UpstreamResponse> GenerateContentAsync(UpstreamRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Opens the answer to generateContent for a passthrough that forwards it as it arrives: a failure before its
    /// first bytes comes back as <see cref="UpstreamBody.Failure"/>, later ones are thrown while reading. Kinds that
    /// cannot stream an answer read it whole (<see cref="UpstreamBody.FromResponse"/>).
    /// </summary>
    async Task<UpstreamBody> OpenContentAsync(UpstreamRequest request, CancellationToken cancellationToken) =>
        UpstreamBody.FromResponse(await GenerateContentAsync(request, cancellationToken).ConfigureAwait(false));

    /// <summary>
    /// Streams the answer as Gemini events. Failures before the first event come back as
    /// <see cref="UpstreamStream.Failure"/>; failures later are thrown from the enumeration as
    /// <see cref="UpstreamException"/>. Kinds that cannot stream answer one event
    /// (<see cref="UpstreamStream.FromResponse"/>).
    /// </summary>
    Task<UpstreamStream> StreamGenerateContentAsync(UpstreamRequest request, CancellationToken cancellationToken);
}
