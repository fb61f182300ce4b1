namespace Nanogate.Upstreams.Channels;

/// <summary>An upstream that speaks Gemini's generateContent (Google itself, or the simulator).</summary>
public interface IUpstreamChannel
{
    /// <summary>Unique channel name, e.g. "simulator" or "gemini-1".</summary>
    string Name { get; }

    /// <summary>What kind of upstream it is ("simulator", "gemini"); sent to callers as <c>x-nanogate-upstream</c>.</summary>
    string Kind { get; }

    /// <summary>Calls generateContent and returns the whole response body, or a failure. Never throws for upstream faults.</summary>
    Task<UpstreamResponse> GenerateContentAsync(UpstreamRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Calls streamGenerateContent?alt=sse. Failures before the first event come back as
    /// <see cref="UpstreamStream.Failure"/>; failures later are thrown from the enumeration as
    /// <see cref="UpstreamException"/>.
    /// </summary>
    Task<UpstreamStream> StreamGenerateContentAsync(UpstreamRequest request, CancellationToken cancellationToken);
}
