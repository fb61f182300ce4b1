using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
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

    public bool IsStandIn => true;

    public IReadOnlyList<string> Validate(ChannelDefinition definition) => [];

    /// <summary>
    /// The simulator channel, routed only while no real channel comes from configuration: never a failover target
    /// for real channels, since it would hand users fake images.
    /// </summary>
    public IReadOnlyList<ChannelDefinition> FromConfiguration(IConfiguration configuration, int realChannels) =>
        realChannels == 0 && Enabled(configuration, realChannels) ? [new ChannelDefinition { Name = Name, Kind = Name, Priority = 100 }] : [];

    /// <summary>The simulator's mount (/simulator), served while it is enabled.</summary>
    public void MapEndpoints(IEndpointRouteBuilder routes, IConfiguration configuration, int realChannels)
    {
        if (Enabled(configuration, realChannels))
        {
            // The simulator stands in for Google and the other upstreams; it is not Nanogate's API.
            routes.MapGroup("").ExcludeFromDescription().MapSimulator();
        }
    }

    /// <summary><c>Simulator:Enabled</c>, else true exactly when configuration defines no real channel.</summary>
    private static bool Enabled(IConfiguration configuration, int realChannels) =>
        bool.TryParse(configuration["Simulator:Enabled"], out var explicitValue) ? explicitValue : realChannels == 0;

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
