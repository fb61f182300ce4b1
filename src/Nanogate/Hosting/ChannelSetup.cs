using Microsoft.Extensions.Options;
using Nanogate.Upstreams.Routing;

namespace Nanogate.Hosting;

/// <summary>
/// Builds the router over the channels of configuration: each kind defines its own from its documented shortcut keys
/// (<see cref="ChannelKinds.FromConfiguration"/>: Google keys, the simulator when nothing real is configured).
/// Channels of every other kind come from the admin API (<see cref="StoredChannelLoader"/>); the kinds themselves live
/// in Nanogate.Upstreams, and nothing here names one.
/// </summary>
internal static class ChannelSetup
{
    /// <summary>What every channel may use (registered as a singleton).</summary>
    internal static ChannelContext CreateContext(IServiceProvider services)
    {
        var options = services.GetRequiredService<IOptions<UpstreamOptions>>().Value;
        var self = services.GetRequiredService<ServerAddress>();
        return new ChannelContext(
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILoggerFactory>(),
            TimeSpan.FromSeconds(options.TimeoutSeconds),
            TimeSpan.FromSeconds(options.ConnectTimeoutSeconds),
            self.Get,
            services.GetRequiredService<SafeImageDownloader>())
        {
            RelayCallbacks = services.GetRequiredService<Nanogate.Upstreams.TaskRelay.RelayCallbacks>(),
            PublicBaseUrl = () => services.GetRequiredService<IOptions<ServerOptions>>().Value.PublicBaseUrl is { Length: > 0 } url ? url : null,
        };
    }

    /// <summary>The router over every configured channel.</summary>
    public static ChannelRouter CreateRouter(IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(services);
        var configuration = services.GetRequiredService<IConfiguration>();
        var options = services.GetRequiredService<IOptions<UpstreamOptions>>().Value;
        var kinds = services.GetRequiredService<ChannelKinds>();
        var context = services.GetRequiredService<ChannelContext>();
        var channels = new List<RoutedChannel>();

        foreach (var definition in kinds.FromConfiguration(configuration))
        {
            channels.Add(kinds.Create(definition, context, options.Router, stored: false));
        }

        return new ChannelRouter(channels, services.GetRequiredService<TimeProvider>(), options.Router);
    }
}
