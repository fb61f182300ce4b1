namespace Nanogate.Generation;

/// <summary>Why one image was not made, in the task dialect's words.</summary>
/// <param name="Code">upstream_unavailable, rate_limited, timeout, content_blocked, no_image, invalid_request, upstream_error, storage_full, storage_unavailable.</param>
/// <param name="Message">For the caller.</param>
/// <param name="Retryable">Whether trying again may succeed.</param>
/// <param name="RetryAfter">How long the upstream asked us to wait, when it said.</param>
public sealed record ImageFailure(string Code, string Message, bool Retryable, TimeSpan? RetryAfter = null);
