using Microsoft.Extensions.Options;

namespace Nanogate.Media;

/// <summary>Deletes the bytes of expired media every <c>Media:SweepIntervalSeconds</c> (one minute by default).</summary>
internal sealed partial class MediaSweeper(IMediaStore store, IOptions<MediaOptions> options, TimeProvider time, ILogger<MediaSweeper> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.SweepIntervalSeconds), time);
        do
        {
            try
            {
                int purged;
                do
                {
                    purged = await store.PurgeExpiredAsync(time.GetUtcNow(), stoppingToken).ConfigureAwait(false);
                    if (purged > 0)
                    {
                        LogPurged(logger, purged);
                    }
                }
                while (purged >= 1000);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} expired media files")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Media sweep failed; will retry")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
