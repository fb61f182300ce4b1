using System.Net;

namespace Nanogate.Client;

/// <summary>Too many requests (429); <see cref="RetryAfter"/> says when to try again, when the server knows.</summary>
public sealed class NanogateRateLimitException : NanogateException
{
    /// <summary>Creates the exception.</summary>
    public NanogateRateLimitException(string message, string code, HttpStatusCode statusCode, string? param, string? requestId, TimeSpan? retryAfter)
        : base(message, code, statusCode, param, requestId) => RetryAfter = retryAfter;

    /// <summary>The server's <c>Retry-After</c>.</summary>
    public TimeSpan? RetryAfter { get; }
}
