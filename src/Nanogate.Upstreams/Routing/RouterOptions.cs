namespace Nanogate.Upstreams.Routing;

/// <summary>How the router fails over, waits for capacity and trips breakers (<c>Upstreams:Router</c>).</summary>
public sealed class RouterOptions
{
    /// <summary>Most channels tried for one call (the failover budget).</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>How long a call waits for a free slot when every candidate is at its concurrency cap.</summary>
    public int CapacityWaitMs { get; set; } = 2000;

    /// <summary>Consecutive failures that open a channel's breaker.</summary>
    public int BreakerFailures { get; set; } = 5;

    /// <summary>How long a breaker stays open before a probe.</summary>
    public double BreakerOpenSeconds { get; set; } = 30;

    /// <summary>Cooldown after a 429 that gave no retryDelay.</summary>
    public double RateLimitBackoffSeconds { get; set; } = 10;
}
