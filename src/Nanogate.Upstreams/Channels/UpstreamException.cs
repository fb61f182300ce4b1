namespace Nanogate.Upstreams.Channels;

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
