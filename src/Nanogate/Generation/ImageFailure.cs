using Nanogate.Upstreams.Channels;

namespace Nanogate.Generation;

/// <summary>Why one image was not made.</summary>
/// <param name="Kind">The closed reason; each dialect maps it once (<see cref="ImageFailureKinds.Code"/> for tasks).</param>
/// <param name="Message">For the caller.</param>
/// <param name="Retryable">Whether trying again may succeed.</param>
/// <param name="RetryAfter">How long the upstream asked us to wait, when it said.</param>
/// <param name="Upstream">The upstream adapter's own kind, when the failure came from the upstream call.</param>
internal sealed record ImageFailure(ImageFailureKind Kind, string Message, bool Retryable, TimeSpan? RetryAfter = null, UpstreamFailureKind? Upstream = null);
