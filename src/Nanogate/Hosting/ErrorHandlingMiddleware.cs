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

    private static Task WriteAsync(HttpContext context, int status, string message)
    {
        context.Response.Clear();
        context.Response.Headers["x-request-id"] = context.TraceIdentifier;
        var path = context.Request.Path;
        var gemini = path.StartsWithSegments("/v1beta") || (path.StartsWithSegments("/v1/models") && HttpMethods.IsPost(context.Request.Method));
        if (path.StartsWithSegments("/openai"))
        {
            return OpenAi.OpenAiError.Result(status, status >= 500 ? "server_error" : "invalid_request_error", status >= 500 ? "internal_error" : null, message).ExecuteAsync(context);
        }

        return gemini
            ? Gemini.GeminiError.Result(status, status >= 500 ? "INTERNAL" : "INVALID_ARGUMENT", message).ExecuteAsync(context)
            : ApiError.Result(status, status >= 500 ? "internal_error" : "invalid_request", message).ExecuteAsync(context);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Unhandled error in request {RequestId}")]
    private static partial void LogUnhandled(ILogger logger, string requestId, Exception exception);
}
