using Nanogate.Upstreams.Channels;
using Nanogate.Upstreams.Gemini;
using Nanogate.Upstreams.Routing;

namespace Nanogate.Upstreams.Simulator;

/// <summary>This server's own simulator mount (Gemini wire format, fake images): for tests and demos, never a failover target for real channels.</summary>
internal sealed class SimulatorChannelKind : IChannelKind
{
    public string Name => "simulator";

    public string Description => "This server's simulator (/simulator): fake images, fault markers [sim:KIND]; no credentials.";

    public bool NeedsCredentials => false;

    public IReadOnlyList<string> Validate(ChannelDefinition definition) => [];

    public IUpstreamChannel Create(ChannelDefinition definition, ChannelContext context)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(context);
        Func<Uri> baseUrl = definition.BaseUrl is { } fixedUrl ? () => fixedUrl : () => new Uri(context.SelfAddress(), "simulator/");
        return new GeminiChannel(
            definition.Name,
            Name,
            new GoogleAiEndpoint(baseUrl, new GeminiKeyPool([new ChannelKey("simulator")], context.Time)),
            context.TimeoutOf(definition),
            context.ConnectTimeout,
            context.Loggers.CreateLogger("Nanogate.Upstreams.Simulator"),
            time: context.Time);
    }
}
