namespace Nanogate.Upstreams.Channels;

/// <summary>Retry semantics of <see cref="UpstreamFailureKind"/>.</summary>
public static class UpstreamFailureKinds
{
    /// <summary>Whether the same request may succeed if sent again (here or on another channel).</summary>
    public static bool IsRetryable(this UpstreamFailureKind kind) => kind is UpstreamFailureKind.RateLimited
        or UpstreamFailureKind.Unavailable or UpstreamFailureKind.Timeout or UpstreamFailureKind.Malformed;

    /// <summary>Whether another channel may succeed where this one failed.</summary>
    public static bool AllowsFailover(this UpstreamFailureKind kind) => kind.IsRetryable() || kind is UpstreamFailureKind.Unauthorized or UpstreamFailureKind.Unsupported;
}
