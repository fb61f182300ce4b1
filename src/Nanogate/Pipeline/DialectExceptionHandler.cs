using Microsoft.AspNetCore.Diagnostics;

namespace Nanogate.Pipeline;

/// <summary>
/// The last line of defence, as the framework's <see cref="IExceptionHandler"/>: a malformed request that escapes
/// its endpoint's own checks (a body over the limit, a value the binder refused) becomes the route's dialect's 4xx
/// with a message, and a bug a 500 with the request id, never a dropped connection. The dialect comes from the
/// endpoint that threw (its metadata), not from the URL.
/// </summary>
internal sealed partial class DialectExceptionHandler(ILogger<DialectExceptionHandler> logger) : IExceptionHandler
{
    /// <inheritdoc />
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var endpoint = httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        var dialect = httpContext.DialectOf(endpoint);
        IResult answer;
        if (exception is BadHttpRequestException bad)
        {
            answer = bad.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? DialectErrors.TooLarge(httpContext, dialect)
                : DialectErrors.Result(dialect, bad.StatusCode, $"Bad request: {bad.Message}");
        }
        else if (exception is Media.MediaStoreException store)
        {
            // The media store is full or cannot be written (e.g. a task's reference images at submission): 507 or
            // 503 with a retryable code, never a generic 500.
            LogStoreFailed(logger, httpContext.TraceIdentifier, store);
            answer = DialectErrors.StorageFailed(dialect, store);
        }
        else if (exception is Storage.Ledger.SpendCapExceededException cap)
        {
            // The hold's transaction refused it (nothing was written): the key's cap, in the route's dialect.
            answer = DialectErrors.SpendCapExceeded(dialect, cap.Message);
        }
        else if (exception is Billing.KeyRateLimitedException limited)
        {
            answer = DialectErrors.RateLimited(dialect, limited.Message, limited.RetryAfter);
        }
        else
        {
            LogUnhandled(logger, httpContext.TraceIdentifier, exception);
            answer = DialectErrors.Result(dialect, 500,
                $"Internal error while handling request {httpContext.TraceIdentifier}. It has been logged; retry, and report the request id if it persists.");
        }

        // The exception middleware cleared the response, request id included.
        httpContext.Response.Headers["x-request-id"] = httpContext.TraceIdentifier;
        await answer.ExecuteAsync(httpContext).ConfigureAwait(false);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId}: the media store refused a write")]
    private static partial void LogStoreFailed(ILogger logger, string requestId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error in request {RequestId}")]
    private static partial void LogUnhandled(ILogger logger, string requestId, Exception exception);
}
