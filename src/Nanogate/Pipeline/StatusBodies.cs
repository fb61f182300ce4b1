namespace Nanogate.Pipeline;

/// <summary>
/// Gives every 4xx/5xx that the framework answers without a body (no route, a method the route lacks) a JSON error
/// saying what to fix, in the matched endpoint's dialect, else in Nanogate's own shape (the documented default for
/// a request no route matched).
/// </summary>
internal static class StatusBodies
{
    /// <summary>Adds the status-code pages.</summary>
    public static IApplicationBuilder UseDialectStatusBodies(this IApplicationBuilder app) => app.UseStatusCodePages(statusContext =>
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
        context.Response.Headers["x-request-id"] = context.TraceIdentifier;
        return DialectErrors.Result(context.DialectOf(), status, message).ExecuteAsync(context);
    });
}
