using Microsoft.Extensions.Diagnostics.HealthChecks;
using Nanogate.Media;

namespace Nanogate.Operations;

/// <summary>The media half of <c>/readyz</c> as a health check (the probe itself is <see cref="MediaReadiness"/>).</summary>
internal sealed class MediaHealthCheck(MediaReadiness media) : IHealthCheck
{
    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        await media.CheckAsync(cancellationToken).ConfigureAwait(false) is { } reason ? HealthCheckResult.Unhealthy(reason) : HealthCheckResult.Healthy();
}
