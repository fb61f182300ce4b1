using Microsoft.Extensions.Options;
using Nanogate.Storage.Ledger;

namespace Nanogate.Billing;

/// <summary>
/// Releases the credit holds of synchronous requests (Gemini, OpenAI) that never settled: the process died mid-request
/// (kill -9, OOM) or the settling write failed. Runs on every process; the ledger settles each hold once.
/// </summary>
internal sealed partial class HoldSweeper(ILedger ledger, IOptions<HoldOptions> options, TimeProvider time, ILogger<HoldSweeper> logger) : BackgroundService
{
    private const int Batch = 500;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var abandonedAfter = TimeSpan.FromSeconds(options.Value.AbandonedHoldSeconds);
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.HoldSweepSeconds), time);
        do
        {
            try
            {
                int released;
                do
                {
                    var cutoff = (time.GetUtcNow() - abandonedAfter).ToUnixTimeMilliseconds();
                    released = await ledger.ReleaseAbandonedHoldsAsync(cutoff, Batch, stoppingToken).ConfigureAwait(false);
                    if (released > 0)
                    {
                        LogReleased(logger, released, options.Value.AbandonedHoldSeconds);
                    }
                }
                while (released >= Batch);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Released {Count} credit hold(s) open for more than {Seconds} s (their request never settled)")]
    private static partial void LogReleased(ILogger logger, int count, int seconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "Releasing abandoned credit holds failed; retrying at the next sweep")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
