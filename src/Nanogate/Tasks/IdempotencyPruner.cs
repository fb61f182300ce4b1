using Nanogate.Storage.Tasks;

namespace Nanogate.Tasks;

/// <summary>Deletes idempotency keys older than 24 hours, hourly (lookups ignore them anyway; this keeps the table small).</summary>
internal sealed partial class IdempotencyPruner(ITaskStore store, TimeProvider time, ILogger<IdempotencyPruner> logger) : BackgroundService
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(24);

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromHours(1), time);
        do
        {
            try
            {
                var pruned = await store.PruneIdempotencyAsync((time.GetUtcNow() - Lifetime).ToUnixTimeMilliseconds(), stoppingToken).ConfigureAwait(false);
                if (pruned > 0)
                {
                    LogPruned(logger, pruned);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Count} idempotency keys older than 24 hours")]
    private static partial void LogPruned(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning idempotency keys failed; will retry")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
