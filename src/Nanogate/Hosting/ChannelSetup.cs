using Microsoft.Extensions.Options;
using Nanogate.Upstreams.Routing;

namespace Nanogate.Hosting;

/// <summary>
/// Builds the router over the channels of configuration: one channel per Google key of the documented
/// <c>Upstreams:Gemini:ApiKeys</c> (or env GEMINI_API_KEY), and the simulator when no real channel exists (or
/// when <c>Simulator:Enabled</c> says so). Channels of every other kind come from the admin API
/// (<see cref="StoredChannelLoader"/>); the kinds themselves live in Nanogate.Upstreams.
/// </summary>
public static class ChannelSetup
{
    // The two configuration shortcuts name their kinds because their keys do (Upstreams:Gemini, Simulator).
    private const string GoogleKind = "gemini";
    private const string SimulatorKind = "simulator";

    /// <summary>Google keys from configuration: a comma-separated string, an array, or GEMINI_API_KEY.</summary>
    public static IReadOnlyList<string> GeminiKeys(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Upstreams:Gemini:ApiKeys");
        var raw = section.Value is { } single
            ? single.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : section.GetChildren().Select(c => c.Value ?? "").Where(v => v.Length > 0).ToArray();
        if (raw.Length == 0 && configuration["GEMINI_API_KEY"] is { Length: > 0 } env)
        {
            raw = [env.Trim()];
        }

        return raw;
    }

    /// <summary>Whether the simulator is served and routed: <c>Simulator:Enabled</c>, else true exactly when no real channel exists.</summary>
    public static bool SimulatorEnabled(IConfiguration configuration) =>
        bool.TryParse(configuration["Simulator:Enabled"], out var explicitValue) ? explicitValue : GeminiKeys(configuration).Count == 0;

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

        var keys = GeminiKeys(configuration);
        for (var i = 0; i < keys.Count; i++)
        {
            var definition = new ChannelDefinition
            {
                Name = $"gemini-{i + 1}",
                Kind = GoogleKind,
                BaseUrl = new Uri(options.Gemini.BaseUrl),
                Credentials = new ChannelCredentials([new ChannelKey(keys[i])]),
                Priority = 10 + i,
            };
            channels.Add(kinds.Create(definition, context, options.Router, stored: false));
        }

        // Never a failover target for real channels: it would hand users fake images.
        if (keys.Count == 0 && SimulatorEnabled(configuration))
        {
            channels.Add(kinds.Create(new ChannelDefinition { Name = "simulator", Kind = SimulatorKind, Priority = 100 }, context, options.Router, stored: false));
        }

        return new ChannelRouter(channels, services.GetRequiredService<TimeProvider>(), options.Router);
    }
}
