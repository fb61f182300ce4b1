using Microsoft.Extensions.Options;
using Nanogate.Storage.Retention;

namespace Nanogate.Operations;

/// <summary>
/// Deletes task records older than <c>Retention:TaskDays</c>, every <c>Retention:SweepMinutes</c>, on every process:
/// in batches of <see cref="Batch"/> tasks, each its own short transaction (PostgreSQL skips rows another process is
/// deleting), so it never holds a long lock. Media is swept by its link lifetime elsewhere; usage stays.
/// </summary>
internal sealed partial class RetentionSweeper(ITaskRetention retention, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionSweeper> logger) : BackgroundService
{
    /// <summary>Tasks per transaction: about 5,000 rows with their images and deliveries, a few ms of locks.</summary>
    public const int Batch = 500;

    /// <summary>Runs one sweep to the end: every task past the retention; returns how many were deleted.</summary>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var days = options.Value.TaskDays;
        if (days == 0)
        {
            return 0;
        }

        var total = 0;
        int deleted;
        do
        {
            var cutoff = (time.GetUtcNow() - TimeSpan.FromDays(days)).ToUnixTimeMilliseconds();
            deleted = await retention.DeleteEndedTasksAsync(cutoff, Batch, cancellationToken).ConfigureAwait(false);
            total += deleted;
        }
        while (deleted >= Batch);

        if (total > 0)
        {
            LogDeleted(logger, total, days);
        }

        return total;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.TaskDays == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(options.Value.SweepMinutes), time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Count} task(s) that ended more than {Days} days ago")]
    private static partial void LogDeleted(ILogger logger, int count, int days);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention sweep failed; retrying at the next sweep")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
