using Microsoft.Extensions.Diagnostics.HealthChecks;
using Nanogate.Storage;

namespace Nanogate.Operations;

/// <summary>
/// The database half of <c>/readyz</c>: a committed one-row write (<see cref="IStorage.CheckWritableAsync"/>), not only a
/// read, so a full disk, a read-only file or a read-only replica makes the process not ready (a ping alone kept saying
/// ready while every charge failed).
/// </summary>
internal sealed partial class DatabaseHealthCheck(IStorage storage, ILogger<DatabaseHealthCheck> logger) : IHealthCheck
{
    // A write queued behind a burst still answers within this; orchestrators time their probes out in a few seconds.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <inheritdoc />
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await storage.PingAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogUnreachable(logger, e);
            return HealthCheckResult.Unhealthy("storage unreachable");
        }

        try
        {
            await storage.CheckWritableAsync(timeout.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy();
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            LogNotWritable(logger, e);
            return HealthCheckResult.Unhealthy("database not writable");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database is unreachable: not ready")]
    private static partial void LogUnreachable(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The database takes no writes: not ready")]
    private static partial void LogNotWritable(ILogger logger, Exception exception);
}
