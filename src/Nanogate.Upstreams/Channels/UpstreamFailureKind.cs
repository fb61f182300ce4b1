namespace Nanogate.Upstreams.Channels;

/// <summary>The closed set of ways an upstream call can fail. Each dialect maps these in one place.</summary>
public enum UpstreamFailureKind
{
    /// <summary>429 RESOURCE_EXHAUSTED: quota or rate limit; retry after <see cref="UpstreamFailure.RetryAfter"/>.</summary>
    RateLimited,
    /// <summary>5xx (INTERNAL, UNAVAILABLE) or a refused connection: retryable.</summary>
    Unavailable,
    /// <summary>No complete answer within the time limit (or 504 DEADLINE_EXCEEDED): retryable.</summary>
    Timeout,
    /// <summary>A 200 whose body is not a valid GenerateContentResponse: retryable.</summary>
    Malformed,
    /// <summary>The upstream refused the request itself (400 INVALID_ARGUMENT / FAILED_PRECONDITION): not retryable.</summary>
    InvalidRequest,
    /// <summary>The upstream refused our credentials (401/403): the channel is misconfigured; try another channel.</summary>
    Unauthorized,
    /// <summary>The upstream does not know the model (404).</summary>
    ModelNotFound,
    /// <summary>
    /// This channel cannot take the request, though another may (an inline image over Vertex AI's 7 MB, which has
    /// no Files API): refused before any call; not retried here, failed over.
    /// </summary>
    Unsupported,
}
