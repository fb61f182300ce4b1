namespace Nanogate.Hosting;

/// <summary>Errors of the task dialect, the catalog and the admin API: <c>{"error":{"code","message","param"}}</c> (Stripe's shape).</summary>
internal static class ApiError
{
    /// <summary>An error answer.</summary>
    public static IResult Result(int httpStatus, string code, string message, string? param = null, IReadOnlyDictionary<string, string>? headers = null) =>
        headers is null
            ? Results.Json(new ApiErrorBody(new ApiErrorDetail(code, message, param)), ApiJsonContext.Default.ApiErrorBody, statusCode: httpStatus)
            : new WithHeaders(Results.Json(new ApiErrorBody(new ApiErrorDetail(code, message, param)), ApiJsonContext.Default.ApiErrorBody, statusCode: httpStatus), headers);

    /// <summary>400 invalid_request.</summary>
    public static IResult Invalid(string message, string? param = null) => Result(400, "invalid_request", message, param);

    /// <summary>404 not_found.</summary>
    public static IResult NotFound(string message) => Result(404, "not_found", message);

    /// <summary>401 unauthenticated.</summary>
    public static IResult Unauthenticated(bool keyGiven) => Result(401, "unauthenticated", keyGiven
        ? "Invalid API key. Pass a valid key as Authorization: Bearer sk-...."
        : "Missing API key. Pass your key as Authorization: Bearer sk-....");

    private sealed class WithHeaders(IResult inner, IReadOnlyDictionary<string, string> headers) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            Pipeline.ErrorHeaders.Apply(httpContext.Response, headers);
            return inner.ExecuteAsync(httpContext);
        }
    }
}
