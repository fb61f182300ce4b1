using Microsoft.Extensions.Options;

namespace Nanogate.Hosting;

/// <summary>
/// Returns the memory of a burst to the system once the process is idle. Images are large objects (a 4K PNG and its
/// base64 are several MB each), and the server GC keeps the heap it grew for a burst committed while nothing allocates,
/// so a process stayed at its peak after the load ended (measured: 48 concurrent 4-image synchronous requests, 3 rounds,
/// peak 707 MB, still 716 MB a minute later; <c>GCConserveMemory=7</c> 677 MB, DATAS off 794 MB). Every
/// <c>Server:MemoryTrimSeconds</c> this looks at what was allocated since the last look: when the process allocated
/// little (idle) but holds far more than its live heap, one aggressive, compacting collection decommits the rest.
/// Never under load, so no request pays for it. Measured (same burst, 2 cores): 779 MB right after, 466 MB once
/// trimmed (+60 s); the rest is native (Kestrel and array pools, SQLite's cache, malloc arenas), not the GC heap.
/// </summary>
internal sealed partial class MemoryTrimmer(IOptions<ServerOptions> options, TimeProvider time, ILogger<MemoryTrimmer> logger) : BackgroundService
{
    // Idle: less than this allocated in one interval (a handful of small requests).
    private const long IdleAllocationBytes = 32L << 20;

    // Worth a collection: a working set this far above the heap of the last collection.
    private const long SlackBytes = 64L << 20;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var seconds = options.Value.MemoryTrimSeconds;
        if (seconds == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(seconds), time);
        var allocated = GC.GetTotalAllocatedBytes();
        var busySinceTrim = false;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                var now = GC.GetTotalAllocatedBytes();
                var idle = now - allocated < IdleAllocationBytes;
                allocated = now;
                if (!idle)
                {
                    busySinceTrim = true;
                    continue;
                }

                if (!busySinceTrim || Environment.WorkingSet - GC.GetGCMemoryInfo().HeapSizeBytes < SlackBytes)
                {
                    continue;
                }

                var before = Environment.WorkingSet;
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                busySinceTrim = false;
                allocated = GC.GetTotalAllocatedBytes();
                LogTrimmed(logger, before >> 20, Environment.WorkingSet >> 20);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Idle after a burst: returned memory to the system (working set {BeforeMb} MB -> {AfterMb} MB)")]
    private static partial void LogTrimmed(ILogger logger, long beforeMb, long afterMb);
}
