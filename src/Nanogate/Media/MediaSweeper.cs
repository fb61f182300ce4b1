using Microsoft.Extensions.Options;
using Nanogate.Storage.Media;

namespace Nanogate.Media;

/// <summary>
/// Deletes the bytes of expired media every <c>Media:SweepIntervalSeconds</c> (one minute by default),
/// and files that never got a row (a crash between writing and registering one) every
/// <c>Media:OrphanSweepMinutes</c> (those older than <c>Media:OrphanGraceMinutes</c>), starting at startup.
/// Every process sharing a store runs this: purging and sweeping are idempotent (see <see cref="IMediaStore"/>),
/// so they need no coordination, only the grace that keeps a sweep off another process's fresh blobs.
/// </summary>
internal sealed partial class MediaSweeper(IMediaStore store, IOptions<MediaOptions> options, TimeProvider time, ILogger<MediaSweeper> logger) : BackgroundService
{
    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var orphanInterval = TimeSpan.FromMinutes(options.Value.OrphanSweepMinutes);
        var orphanGrace = TimeSpan.FromMinutes(options.Value.OrphanGraceMinutes);
        DateTimeOffset? lastOrphanSweep = null;
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
                while (purged >= IMediaIndex.ExpiredBatch);

                var now = time.GetUtcNow();
                if (lastOrphanSweep is null || now - lastOrphanSweep >= orphanInterval)
                {
                    lastOrphanSweep = now;
                    var orphans = await store.SweepOrphansAsync(now - orphanGrace, stoppingToken).ConfigureAwait(false);
                    if (orphans > 0)
                    {
                        LogOrphans(logger, orphans);
                    }
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogFailed(logger, e);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Purged {Count} expired media")]
    private static partial void LogPurged(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleted {Count} media blobs that had no row (left by an interrupted write)")]
    private static partial void LogOrphans(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Media sweep failed; will retry")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
