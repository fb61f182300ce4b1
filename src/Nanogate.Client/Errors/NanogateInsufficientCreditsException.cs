using System.Net;

namespace Nanogate.Client;

/// <summary>The account lacks the credits the request would hold (402; the message says what was needed and what is available).</summary>
public sealed class NanogateInsufficientCreditsException : NanogateException
{
    /// <summary>Creates the exception.</summary>
    public NanogateInsufficientCreditsException(string message, string code, HttpStatusCode statusCode, string? param = null, string? requestId = null)
        : base(message, code, statusCode, param, requestId)
    {
    }
}
