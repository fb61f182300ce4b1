using System.Net;

namespace Nanogate.Client;

/// <summary>The server or its upstream failed (5xx); retrying later may work.</summary>
public sealed class NanogateServerException : NanogateException
{
    /// <summary>Creates the exception.</summary>
    public NanogateServerException(string message, string code, HttpStatusCode statusCode, string? param = null, string? requestId = null)
        : base(message, code, statusCode, param, requestId)
    {
    }
}
