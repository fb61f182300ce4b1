using Microsoft.Extensions.Diagnostics.HealthChecks;
using Nanogate.Upstreams.Routing;

namespace Nanogate.Operations;

/// <summary>
/// The upstream channels behind <c>/readyz</c>: degraded (never unhealthy) when no enabled channel can take a call —
/// none is enabled, or every enabled one is cooling down after failures. Degraded keeps the process ready: an upstream
/// outage is the same for every process behind a balancer, taking them all out would refuse even the requests that
/// need no upstream (polls, media, the admin API), and tasks accepted meanwhile wait and retry. <c>/readyz</c> says
/// it in <c>warnings</c> instead.
/// </summary>
internal sealed class ChannelsHealthCheck(ChannelRouter router, TimeProvider time) : IHealthCheck
{
    /// <inheritdoc />
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var enabled = router.Channels.Where(c => c.Enabled).ToList();
        if (enabled.Count == 0)
        {
            return Task.FromResult(HealthCheckResult.Degraded("channels: no upstream channel is enabled, so no image can be made (enable one in /admin, or set GEMINI_API_KEY)"));
        }

        var now = time.GetUtcNow();
        var available = enabled.Count(c => c.CoolingUntil is not { } until || until <= now);
        if (available == 0)
        {
            var next = enabled.Min(c => c.CoolingUntil)!.Value;
            return Task.FromResult(HealthCheckResult.Degraded(
                $"channels: every enabled channel ({enabled.Count}) is cooling down after failures; the first is tried again at {next.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}"));
        }

        return Task.FromResult(HealthCheckResult.Healthy($"channels: {available} of {enabled.Count} enabled channels available"));
    }
}
