namespace Nanogate.Gemini;

/// <summary>Errors in Google's shape: <c>{"error":{"code","message","status"}}</c>.</summary>
internal static class GeminiError
{
    /// <summary>An error result with Google's body.</summary>
    public static IResult Result(int httpStatus, string status, string message, IReadOnlyDictionary<string, string>? headers = null) =>
        new GeminiErrorResult(httpStatus, status, message, headers);

    /// <summary>400 INVALID_ARGUMENT.</summary>
    public static IResult InvalidArgument(string message) => Result(400, "INVALID_ARGUMENT", message);

    /// <summary>401 UNAUTHENTICATED.</summary>
    public static IResult Unauthenticated(bool keyGiven) => Result(401, "UNAUTHENTICATED", keyGiven
        ? "API key not valid. Pass a valid Nanogate API key (sk-...) in the x-goog-api-key header, ?key=, or Authorization: Bearer."
        : "Missing API key. Pass your Nanogate API key (sk-...) in the x-goog-api-key header, ?key=, or Authorization: Bearer.");

    /// <summary>404 NOT_FOUND for a model outside the catalog.</summary>
    public static IResult ModelNotFound(string model, string method) => Result(404, "NOT_FOUND",
        $"models/{model} is not found for API version v1beta, or is not supported for {method}. Call ListModels (GET /v1beta/models) to see the available models.");

    /// <summary>
    /// 507 RESOURCE_EXHAUSTED (the media store is full) or 503 UNAVAILABLE (it cannot be written), with
    /// <c>Retry-After</c>: both statuses the Google SDKs retry.
    /// </summary>
    public static IResult StorageFailed(Media.MediaStoreException failure)
    {
        var (code, status) = StorageStatus(failure);
        return Result(code, status, failure.Message, new Dictionary<string, string> { ["Retry-After"] = Media.MediaStoreException.RetryAfterHeader });
    }

    /// <summary>The HTTP code and Google status of a media store failure.</summary>
    public static (int Code, string Status) StorageStatus(Media.MediaStoreException failure) =>
        (failure.HttpStatus, failure.Failure == Media.MediaStoreFailure.Full ? "RESOURCE_EXHAUSTED" : "UNAVAILABLE");

    private sealed class GeminiErrorResult(int httpStatus, string status, string message, IReadOnlyDictionary<string, string>? headers) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = httpStatus;
            Pipeline.ErrorHeaders.Apply(httpContext.Response, headers);

            return httpContext.Response.WriteAsJsonAsync(
                new GeminiErrorBody(new GeminiErrorDetail(httpStatus, message, status)),
                NanogateJsonContext.Default.GeminiErrorBody);
        }
    }
}
