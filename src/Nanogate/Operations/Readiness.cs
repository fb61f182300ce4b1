using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Nanogate.Operations;

/// <summary>
/// <c>GET /readyz</c> on the framework's health checks (tag <c>ready</c>: the database takes a write, the media store
/// takes a probe, the upstream channels can take a call): 200 <c>{"status":"ready"}</c>, or 503
/// <c>{"status":"unavailable","reason":…}</c> naming the checks that failed. A degraded check (no upstream channel
/// available) keeps the answer 200 and is named in <c>warnings</c>. Checks tagged <c>ready</c> may be added by any component.
/// </summary>
internal static class Readiness
{
    /// <summary>The tag of the checks behind <c>/readyz</c>.</summary>
    public const string Tag = "ready";

    /// <summary>Registers the database and media checks.</summary>
    public static IServiceCollection AddReadinessChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database", tags: [Tag])
            .AddCheck<MediaHealthCheck>("media", tags: [Tag])
            .AddCheck<ChannelsHealthCheck>("channels", tags: [Tag]);
        return services;
    }

    /// <summary>
    /// Maps <c>/readyz</c>: the framework's health-check service runs the checks tagged <see cref="Tag"/>; a route of its
    /// own (rather than <c>MapHealthChecks</c>) so the OpenAPI document describes it like every other route.
    /// </summary>
    public static IEndpointRouteBuilder MapReadiness(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/readyz", async (HealthCheckService health, HttpContext context, CancellationToken cancellationToken) =>
        {
            var report = await health.CheckHealthAsync(check => check.Tags.Contains(Tag), cancellationToken).ConfigureAwait(false);
            context.Response.Headers.CacheControl = "no-store";
            var failed = report.Entries.Where(e => e.Value.Status == HealthStatus.Unhealthy).Select(e => e.Value.Description ?? e.Key).ToList();
            var degraded = report.Entries.Where(e => e.Value.Status == HealthStatus.Degraded).Select(e => e.Value.Description ?? e.Key).ToList();
            var warnings = degraded.Count == 0 ? null : degraded;
            return failed.Count == 0
                ? Results.Json(new ReadyBody("ready", null, warnings), NanogateJsonContext.Default.ReadyBody)
                : Results.Json(new ReadyBody("unavailable", string.Join("; ", failed), warnings), NanogateJsonContext.Default.ReadyBody, statusCode: StatusCodes.Status503ServiceUnavailable);
        })
        .Produces<ReadyBody>(StatusCodes.Status200OK)
        .Produces<ReadyBody>(StatusCodes.Status503ServiceUnavailable);
        return routes;
    }
}
