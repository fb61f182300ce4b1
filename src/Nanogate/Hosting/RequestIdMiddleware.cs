using Nanogate.Storage;

namespace Nanogate.Hosting;

/// <summary>Gives every request an id (<c>req_…</c>), used in logs and returned as <c>x-request-id</c>.</summary>
internal static class RequestIdMiddleware
{
    /// <summary>Adds the middleware.</summary>
    public static IApplicationBuilder UseRequestIds(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var id = Ids.NewRequestId();
        context.TraceIdentifier = id;
        context.Response.Headers["x-request-id"] = id;
        return next(context);
    });
}
