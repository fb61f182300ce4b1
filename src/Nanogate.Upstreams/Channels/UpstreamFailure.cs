namespace Nanogate.Upstreams.Channels;

/// <summary>Why an upstream call failed.</summary>
/// <param name="Kind">The category, which decides retries and the status each dialect answers.</param>
/// <param name="Message">A message safe to show to the caller (never contains keys).</param>
/// <param name="RetryAfter">For <see cref="UpstreamFailureKind.RateLimited"/>: Google's RetryInfo.retryDelay, when given.</param>
/// <param name="UpstreamStatus">The upstream HTTP status, when there was one.</param>
public sealed record UpstreamFailure(UpstreamFailureKind Kind, string Message, TimeSpan? RetryAfter = null, int? UpstreamStatus = null);
