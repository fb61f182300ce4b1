namespace Nanogate.Upstreams.Routing;

/// <summary>Successes and failures of the last minute, in six ten-second buckets (for the admin API's error rate).</summary>
public sealed class RecentOutcomes(TimeProvider time)
{
    private const int Buckets = 6;
    private const long BucketMs = 10_000;
    private readonly long[] _epoch = new long[Buckets];
    private readonly long[] _ok = new long[Buckets];
    private readonly long[] _failed = new long[Buckets];

    /// <summary>Counts one call.</summary>
    public void Record(bool success)
    {
        var epoch = time.GetUtcNow().ToUnixTimeMilliseconds() / BucketMs;
        var i = (int)(epoch % Buckets);
        if (Volatile.Read(ref _epoch[i]) != epoch)
        {
            lock (_epoch)
            {
                if (_epoch[i] != epoch)
                {
                    _ok[i] = 0;
                    _failed[i] = 0;
                    Volatile.Write(ref _epoch[i], epoch);
                }
            }
        }

        Interlocked.Increment(ref success ? ref _ok[i] : ref _failed[i]);
    }

    /// <summary>Calls and failures of the last minute.</summary>
    public (long Calls, long Failures) LastMinute()
    {
        var epoch = time.GetUtcNow().ToUnixTimeMilliseconds() / BucketMs;
        long ok = 0, failed = 0;
        for (var i = 0; i < Buckets; i++)
        {
            if (epoch - Volatile.Read(ref _epoch[i]) < Buckets)
            {
                ok += Volatile.Read(ref _ok[i]);
                failed += Volatile.Read(ref _failed[i]);
            }
        }

        return (ok + failed, failed);
    }
}
