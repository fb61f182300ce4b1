using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace Nanogate.Upstreams.Simulator;

/// <summary>Mounts the simulator under <c>/simulator</c>.</summary>
public static class SimulatorEndpoints
{
    /// <summary>Maps <c>/simulator/v1beta/models/{model}:generateContent</c> and <c>:streamGenerateContent</c>.</summary>
    public static IEndpointRouteBuilder MapSimulator(this IEndpointRouteBuilder routes)
    {
        // Placeholder until the simulator lands.
        return routes;
    }
}
