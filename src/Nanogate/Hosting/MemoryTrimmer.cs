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
/// One more aggressive collection follows <see cref="PoolReleaseDelay"/> after a trim, while still idle: the shared
/// array pool keeps one array of every size per thread-pool thread and drops a thread's arrays only at a full
/// collection that finds them unused for 30 s, and a process starved of CPU grows its thread pool (25 workers after
/// the short load profile at 0.2 CPU), so the image buffers cached per thread stayed for good with nothing left
/// to trigger that collection (measured: 25 arrays of each size 128 KB–4 MB, ~200 MB, rooted in the threads' pool
/// slots after the trim; issue 13, docs/reliability.md). Each collection is followed by <see cref="NativeHeap.Trim"/>:
/// what native code freed during the burst stays in the C heap otherwise (12 MB after a passthrough load).
/// </summary>
internal sealed partial class MemoryTrimmer(IOptions<ServerOptions> options, TimeProvider time, ILogger<MemoryTrimmer> logger) : BackgroundService
{
    // Idle: less than this allocated in one interval (a handful of small requests).
    private const long IdleAllocationBytes = 32L << 20;

    // ArrayPool<byte>.Shared drops a thread's cached array at the first full collection that finds it unused for 30 s
    // (under low memory pressure); a little more so the follow-up collection is past that mark.
    private static readonly TimeSpan PoolReleaseDelay = TimeSpan.FromSeconds(35);

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
        DateTimeOffset? releasePoolAt = null;
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
                    releasePoolAt = null;
                    continue;
                }

                if (releasePoolAt is { } due && time.GetUtcNow() >= due)
                {
                    releasePoolAt = null;
                    var held = Environment.WorkingSet;
                    GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                    NativeHeap.Trim();
                    allocated = GC.GetTotalAllocatedBytes();
                    LogPoolReleased(logger, held >> 20, Environment.WorkingSet >> 20);
                    continue;
                }

                if (!busySinceTrim || Environment.WorkingSet - GC.GetGCMemoryInfo().HeapSizeBytes < SlackBytes)
                {
                    continue;
                }

                var before = Environment.WorkingSet;
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                NativeHeap.Trim();
                busySinceTrim = false;
                releasePoolAt = time.GetUtcNow() + PoolReleaseDelay;
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Still idle: released the array pool's per-thread buffers (working set {BeforeMb} MB -> {AfterMb} MB)")]
    private static partial void LogPoolReleased(ILogger logger, long beforeMb, long afterMb);
}
