using System.Net;

namespace Nanogate.Client;

/// <summary>The request is wrong (400 or 422): <see cref="NanogateException.Param"/> names the field when the server does.</summary>
public sealed class NanogateInvalidRequestException : NanogateException
{
    /// <summary>Creates the exception.</summary>
    public NanogateInvalidRequestException(string message, string code, HttpStatusCode statusCode, string? param = null, string? requestId = null)
        : base(message, code, statusCode, param, requestId)
    {
    }
}
