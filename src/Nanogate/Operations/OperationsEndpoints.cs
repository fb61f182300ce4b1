using System.Diagnostics;

namespace Nanogate.Operations;

/// <summary>Metrics collection and the <c>/metrics</c> route.</summary>
public static class OperationsEndpoints
{
    /// <summary>Times every request and records it under its route template (not its raw path, which would explode cardinality).</summary>
    public static IApplicationBuilder UseRequestMetrics(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "unmatched";
            context.RequestServices.GetRequiredService<NanogateMetrics>()
                .ObserveRequest(route, context.Request.Method, context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
    });

    /// <summary>Maps <c>GET /metrics</c> (Prometheus text format 0.0.4).</summary>
    public static IEndpointRouteBuilder MapMetrics(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/metrics", (NanogateMetrics metrics, Nanogate.Upstreams.Routing.ChannelRouter router) =>
            Results.Text(metrics.Render() + ChannelMetrics.Render(router), "text/plain; version=0.0.4; charset=utf-8"))
            .Produces<string>(StatusCodes.Status200OK, "text/plain");
        return routes;
    }
}
