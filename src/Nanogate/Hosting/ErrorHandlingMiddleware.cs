namespace Nanogate.Hosting;

/// <summary>
/// The last line of defence: a malformed request that escapes its endpoint's own checks becomes a
/// 4xx with a message, and a bug a 500 with the request id, never a dropped connection.
/// </summary>
public static partial class ErrorHandlingMiddleware
{
    /// <summary>Adds the middleware.</summary>
    public static IApplicationBuilder UseNanogateErrors(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (BadHttpRequestException e) when (!context.Response.HasStarted)
        {
            var message = e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? "Request body too large (Limits:MaxRequestBodyMB). Send each image as at most 10 MB, or pass images by URL."
                : $"Bad request: {e.Message}";
            await WriteAsync(context, e.StatusCode, message).ConfigureAwait(false);
        }
        catch (Media.MediaStoreException e) when (!context.Response.HasStarted)
        {
            // The media store is full or cannot be written (e.g. a task's reference images at submission): 507 or
            // 503 with a retryable code, never a generic 500.
            LogStoreFailed(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Nanogate"), context.TraceIdentifier, e);
            await WriteAsync(context, e.HttpStatus, e.Message, code: e.Code).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            LogUnhandled(context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Nanogate"), context.TraceIdentifier, e);
            await WriteAsync(context, 500, $"Internal error while handling request {context.TraceIdentifier}. It has been logged; retry, and report the request id if it persists.").ConfigureAwait(false);
        }
    });

    /// <summary>
    /// Gives every 4xx/5xx that the framework answers without a body (no route, a method the route lacks, a value
    /// that could not be bound) the dialect's JSON error, saying what to fix.
    /// </summary>
    public static IApplicationBuilder UseNanogateStatusBodies(this IApplicationBuilder app) => app.UseStatusCodePages(async statusContext =>
    {
        var context = statusContext.HttpContext;
        var status = context.Response.StatusCode;
        var allow = context.Response.Headers.Allow.ToString();
        var request = $"{context.Request.Method} {context.Request.Path}";
        var message = status switch
        {
            404 => $"There is no {request}. The API reference is at /docs (OpenAPI: /openapi/v1.json).",
            405 => allow.Length > 0 ? $"{request} is not allowed; this path takes {allow}." : $"{request} is not allowed on this path.",
            415 => $"Unsupported Content-Type for {request}; send application/json (or multipart/form-data where the route takes files).",
            _ => $"{request} could not be served ({status}).",
        };
        await WriteAsync(context, status, message, allow).ConfigureAwait(false);
    });

    private static Task WriteAsync(HttpContext context, int status, string message, string? allow = null, string? code = null)
    {
        context.Response.Clear();
        context.Response.Headers["x-request-id"] = context.TraceIdentifier;
        if (code is not null)
        {
            context.Response.Headers.RetryAfter = Media.MediaStoreException.RetryAfterHeader;
        }

        if (!string.IsNullOrEmpty(allow))
        {
            context.Response.Headers.Allow = allow;
        }

        var path = context.Request.Path;
        var gemini = path.StartsWithSegments("/v1beta") || (path.StartsWithSegments("/v1/models") && HttpMethods.IsPost(context.Request.Method));
        if (path.StartsWithSegments("/openai"))
        {
            return OpenAi.OpenAiError.Result(status, status >= 500 ? "server_error" : "invalid_request_error", code ?? (status >= 500 ? "internal_error" : status == 404 ? "not_found" : null), message).ExecuteAsync(context);
        }

        return gemini
            ? Gemini.GeminiError.Result(status, code is null ? GoogleStatus(status) : status == 507 ? "RESOURCE_EXHAUSTED" : "UNAVAILABLE", message).ExecuteAsync(context)
            : ApiError.Result(status, code ?? Code(status), message).ExecuteAsync(context);
    }

    private static string Code(int status) => status switch
    {
        404 => "not_found",
        405 => "method_not_allowed",
        413 => "request_too_large",
        415 => "unsupported_media_type",
        >= 500 => "internal_error",
        _ => "invalid_request",
    };

    private static string GoogleStatus(int status) => status switch
    {
        404 or 405 => "NOT_FOUND",
        >= 500 => "INTERNAL",
        _ => "INVALID_ARGUMENT",
    };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {RequestId}: the media store refused a write")]
    private static partial void LogStoreFailed(ILogger logger, string requestId, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error in request {RequestId}")]
    private static partial void LogUnhandled(ILogger logger, string requestId, Exception exception);
}
