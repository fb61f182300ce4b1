using Microsoft.Extensions.Options;
using Nanogate.Storage.Retention;

namespace Nanogate.Operations;

/// <summary>
/// Every <c>Retention:SweepMinutes</c>, on every process: deletes task records older than <c>Retention:TaskDays</c>, then
/// rolls up usage detail older than <c>Retention:UsageDays</c> into daily totals. Both in batches of
/// <see cref="Batch"/>, each its own short transaction (PostgreSQL skips rows another process is sweeping), so it never
/// holds a long lock. Media is swept by its link lifetime elsewhere.
/// </summary>
internal sealed partial class RetentionSweeper(
    ITaskRetention retention, IUsageRetention usage, IOptions<RetentionOptions> options, TimeProvider time, ILogger<RetentionSweeper> logger) : BackgroundService
{
    /// <summary>Tasks (or reservations) per transaction: about 5,000 rows with their images and deliveries, a few ms of locks.</summary>
    public const int Batch = 500;

    /// <summary>Runs one task sweep to the end: every task past the retention; returns how many were deleted.</summary>
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

    /// <summary>
    /// Runs one usage roll-up to the end: every settled reservation made before the UTC day <c>Retention:UsageDays</c>
    /// ago that no task holds; returns how many were rolled up.
    /// </summary>
    public async Task<int> RollUpUsageAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.UsageDays == 0)
        {
            return 0;
        }

        var total = 0;
        int rolled;
        do
        {
            rolled = await usage.RollUpAsync(settings.UsageRollupBefore(time.GetUtcNow()), Batch, cancellationToken).ConfigureAwait(false);
            total += rolled;
        }
        while (rolled >= Batch);

        if (total > 0)
        {
            LogRolledUp(logger, total, settings.UsageDays);
        }

        return total;
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value is { TaskDays: 0, UsageDays: 0 })
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromMinutes(options.Value.SweepMinutes), time);
        do
        {
            try
            {
                await SweepAsync(stoppingToken).ConfigureAwait(false);

                // After the tasks: a reservation is rolled up only once no task holds it.
                await RollUpUsageAsync(stoppingToken).ConfigureAwait(false);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: rolled up the usage of {Count} request(s) made more than {Days} days ago into daily totals")]
    private static partial void LogRolledUp(ILogger logger, int count, int days);

    [LoggerMessage(Level = LogLevel.Error, Message = "Retention sweep failed; retrying at the next sweep")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
