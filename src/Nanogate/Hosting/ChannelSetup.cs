using Microsoft.Extensions.Options;
using Nanogate.Upstreams.Channels;
using Nanogate.Upstreams.Gemini;

namespace Nanogate.Hosting;

/// <summary>
/// Builds the upstream channels from configuration: one Gemini channel per Google key
/// (<c>Upstreams:Gemini:ApiKeys</c> or env GEMINI_API_KEY), and the simulator when no real channel
/// exists (or when <c>Simulator:Enabled</c> says so).
/// </summary>
public static class ChannelSetup
{
    /// <summary>Google keys from configuration: a comma-separated string, an array, or GEMINI_API_KEY.</summary>
    public static IReadOnlyList<string> GeminiKeys(IConfiguration configuration)
    {
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

    /// <summary>A channel to Google's Gemini API (or anything speaking it) with the configured timeouts.</summary>
    public static GeminiChannel CreateGemini(string name, Uri baseUrl, string apiKey, UpstreamOptions options, ILoggerFactory loggers) =>
        new(name, "gemini", () => baseUrl, apiKey, TimeSpan.FromSeconds(options.TimeoutSeconds), TimeSpan.FromSeconds(options.ConnectTimeoutSeconds),
            loggers.CreateLogger("Nanogate.Upstreams.Gemini"));

    /// <summary>The router over every configured channel.</summary>
    public static ChannelRouter CreateRouter(IServiceProvider services)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        var options = services.GetRequiredService<IOptions<UpstreamOptions>>().Value;
        var loggers = services.GetRequiredService<ILoggerFactory>();
        var timeout = TimeSpan.FromSeconds(options.TimeoutSeconds);
        var connect = TimeSpan.FromSeconds(options.ConnectTimeoutSeconds);
        var channels = new List<RoutedChannel>();

        var keys = GeminiKeys(configuration);
        for (var i = 0; i < keys.Count; i++)
        {
            channels.Add(new RoutedChannel(CreateGemini($"gemini-{i + 1}", new Uri(options.Gemini.BaseUrl), keys[i], options, loggers), priority: 10 + i));
        }

        // Never a failover target for real channels: it would hand users fake images.
        if (keys.Count == 0 && SimulatorEnabled(configuration))
        {
            var self = services.GetRequiredService<ServerAddress>();
            var simulator = new GeminiChannel("simulator", "simulator", () => new Uri(self.Get(), "simulator/"), "simulator", timeout, connect, loggers.CreateLogger("Nanogate.Upstreams.Simulator"));
            channels.Add(new RoutedChannel(simulator, priority: 100));
        }

        return new ChannelRouter(channels, services.GetRequiredService<TimeProvider>());
    }
}
