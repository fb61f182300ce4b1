using System.Net;

namespace Nanogate.Client;

/// <summary>No such task or model for this key (404: <c>not_found</c>, <c>model_not_found</c>).</summary>
public sealed class NanogateNotFoundException : NanogateException
{
    /// <summary>Creates the exception.</summary>
    public NanogateNotFoundException(string message, string code, HttpStatusCode statusCode, string? param = null, string? requestId = null)
        : base(message, code, statusCode, param, requestId)
    {
    }
}
