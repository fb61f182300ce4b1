namespace Nanogate.Upstreams.Channels;

/// <summary>Why an upstream call failed.</summary>
/// <param name="Kind">The category, which decides retries and the status each dialect answers.</param>
/// <param name="Message">A message safe to show to the caller (never contains keys).</param>
/// <param name="RetryAfter">For <see cref="UpstreamFailureKind.RateLimited"/>: Google's RetryInfo.retryDelay, when given.</param>
/// <param name="UpstreamStatus">The upstream HTTP status, when there was one.</param>
public sealed record UpstreamFailure(UpstreamFailureKind Kind, string Message, TimeSpan? RetryAfter = null, int? UpstreamStatus = null);

/// <summary>Thrown when a stream fails after it started (the first event was already sent).</summary>
public sealed class UpstreamException : Exception
{
    /// <summary>Creates the exception.</summary>
    public UpstreamException(UpstreamFailure failure)
        : base(failure.Message) => Failure = failure;

    /// <summary>Creates the exception (for serializers and analyzers).</summary>
    public UpstreamException()
        : this(new UpstreamFailure(UpstreamFailureKind.Unavailable, "The upstream failed."))
    {
    }

    /// <summary>Creates the exception (for serializers and analyzers).</summary>
    public UpstreamException(string message)
        : this(new UpstreamFailure(UpstreamFailureKind.Unavailable, message))
    {
    }

    /// <summary>Creates the exception (for serializers and analyzers).</summary>
    public UpstreamException(string message, Exception innerException)
        : base(message, innerException) => Failure = new UpstreamFailure(UpstreamFailureKind.Unavailable, message);

    /// <summary>What went wrong.</summary>
    public UpstreamFailure Failure { get; }
}
