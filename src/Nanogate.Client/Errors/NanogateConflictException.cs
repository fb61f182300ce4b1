using System.Net;

namespace Nanogate.Client;

/// <summary>The request conflicts with another in flight (409, such as <c>idempotency_key_in_use</c>); retry later.</summary>
public sealed class NanogateConflictException : NanogateException
{
    /// <summary>Creates the exception.</summary>
    public NanogateConflictException(string message, string code, HttpStatusCode statusCode, string? param = null, string? requestId = null)
        : base(message, code, statusCode, param, requestId)
    {
    }
}
