using System.Globalization;
using System.Threading.RateLimiting;

namespace Nanogate.Auth;

/// <summary>
/// The per-key rate limits (<c>requests_per_minute</c>, <c>images_per_minute</c>), as token buckets of
/// System.Threading.RateLimiting: a key may burst up to its limit, and one permit comes back every 60/limit seconds.
/// Per process: with several processes behind a balancer, a key gets up to its limit from each (documented in
/// docs/admin.md). A partition is keyed by key id and limit, so a changed limit takes effect with a fresh bucket.
/// </summary>
internal sealed class KeyRateLimits : IDisposable
{
    private readonly PartitionedRateLimiter<(string Key, int Limit)> _limiter = PartitionedRateLimiter.Create<(string Key, int Limit), (string Key, int Limit)>(
        r => RateLimitPartition.GetTokenBucketLimiter(r, p => new TokenBucketRateLimiterOptions
        {
            TokenLimit = p.Limit,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromTicks(TimeSpan.TicksPerMinute / p.Limit),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    /// <summary>
    /// Takes <paramref name="permits"/> from the key's bucket for <paramref name="kind"/>; null when granted, else how long
    /// until they could be (at least one second; <see cref="TimeSpan.MaxValue"/> when more than the whole limit is asked).
    /// </summary>
    public TimeSpan? TryAcquire(string keyId, string kind, int limit, int permits)
    {
        if (permits > limit)
        {
            return TimeSpan.MaxValue;
        }

        using var lease = _limiter.AttemptAcquire((keyId + "/" + kind, limit), permits);
        if (lease.IsAcquired)
        {
            return null;
        }

        var wait = lease.TryGetMetadata(MetadataName.RetryAfter, out var after) ? after : TimeSpan.FromTicks(TimeSpan.TicksPerMinute / limit * permits);
        return wait < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : wait;
    }

    /// <summary>The <c>Retry-After</c> value (whole seconds, rounded up).</summary>
    public static string RetryAfter(TimeSpan wait) => ((long)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);

    /// <inheritdoc />
    public void Dispose() => _limiter.Dispose();
}
