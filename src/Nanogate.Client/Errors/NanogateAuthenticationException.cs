using System.Net;

namespace Nanogate.Client;

/// <summary>The API key is missing, unknown or revoked (401) or not allowed to do this (403).</summary>
public sealed class NanogateAuthenticationException : NanogateException
{
    /// <summary>Creates the exception.</summary>
    public NanogateAuthenticationException(string message, string code, HttpStatusCode statusCode, string? param = null, string? requestId = null)
        : base(message, code, statusCode, param, requestId)
    {
    }
}
