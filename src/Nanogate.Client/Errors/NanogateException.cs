using System.Net;

namespace Nanogate.Client;

/// <summary>
/// The server refused a request: its HTTP status, its error <see cref="Code"/> (such as <c>invalid_request</c>,
/// <c>model_not_found</c>, <c>insufficient_credits</c>), its message (this exception's <see cref="Exception.Message"/>),
/// the <see cref="Param"/> it names and the <see cref="RequestId"/> (<c>x-request-id</c>) to quote to the operator.
/// Subclasses name the common cases; catch this type for all of them.
/// </summary>
public class NanogateException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NanogateException(string message, string code, HttpStatusCode statusCode, string? param = null, string? requestId = null, Exception? innerException = null)
        : base(message, innerException)
    {
        Code = code;
        StatusCode = statusCode;
        Param = param;
        RequestId = requestId;
    }

    /// <summary>Creates the exception.</summary>
    public NanogateException()
        : this("Nanogate refused the request.", "unknown", 0)
    {
    }

    /// <summary>Creates the exception.</summary>
    public NanogateException(string message)
        : this(message, "unknown", 0)
    {
    }

    /// <summary>Creates the exception.</summary>
    public NanogateException(string message, Exception innerException)
        : this(message, "unknown", 0, innerException: innerException)
    {
    }

    /// <summary>The server's error code.</summary>
    public string Code { get; }

    /// <summary>The HTTP status of the answer (0 when the error was not an HTTP answer, such as a failed task).</summary>
    public HttpStatusCode StatusCode { get; }

    /// <summary>The request field the error is about, when the server names one.</summary>
    public string? Param { get; }

    /// <summary>The server's id for the request (<c>x-request-id</c>).</summary>
    public string? RequestId { get; }
}
