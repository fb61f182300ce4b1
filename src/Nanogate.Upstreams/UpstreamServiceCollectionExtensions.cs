using Microsoft.Extensions.DependencyInjection;
using Nanogate.Upstreams.Gemini;
using Nanogate.Upstreams.OpenAiImages;
using Nanogate.Upstreams.Routing;
using Nanogate.Upstreams.Simulator;
using Nanogate.Upstreams.TaskRelay;
using Nanogate.Upstreams.Vertex;

namespace Nanogate.Upstreams;

/// <summary>Registers the channel kinds: one line per kind.</summary>
public static class UpstreamServiceCollectionExtensions
{
    /// <summary>Adds every channel kind and the <see cref="ChannelKinds"/> registry.</summary>
    public static IServiceCollection AddChannelKinds(this IServiceCollection services)
    {
        services.AddSingleton<IChannelKind, GeminiChannelKind>();
        services.AddSingleton<IChannelKind, VertexChannelKind>();
        services.AddSingleton<IChannelKind, OpenAiImagesChannelKind>();
        services.AddSingleton<IChannelKind, TaskRelayChannelKind>();
        services.AddSingleton<IChannelKind, SimulatorChannelKind>();
        services.AddSingleton<ChannelKinds>();

        // The simulator's Files API storage (one per process: the channel uploads to it, generateContent reads it).
        services.AddSingleton(sp => new SimulatorFileStore(sp.GetService<TimeProvider>() ?? TimeProvider.System));
        return services;
    }
}
