namespace Nanogate.Upstreams.Routing;

/// <summary>A channel's circuit breaker state.</summary>
public enum BreakerState
{
    /// <summary>Calls flow.</summary>
    Closed,
    /// <summary>Too many consecutive failures: no calls until the open time has passed.</summary>
    Open,
    /// <summary>Open time passed: one probe call at a time decides.</summary>
    HalfOpen,
}
