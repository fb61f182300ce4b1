using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Nanogate.Operations;

/// <summary>
/// <c>GET /readyz</c> on the framework's health checks (tag <c>ready</c>: the database takes a write, the media store
/// takes a probe): 200 <c>{"status":"ready"}</c>, or 503 <c>{"status":"unavailable","reason":…}</c> naming the first
/// check that failed. Checks tagged <c>ready</c> may be added by any component.
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
            .AddCheck<MediaHealthCheck>("media", tags: [Tag]);
        return services;
    }

    /// <summary>Maps <c>/readyz</c>.</summary>
    public static IEndpointRouteBuilder MapReadiness(this IEndpointRouteBuilder routes)
    {
        routes.MapHealthChecks("/readyz", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(Tag),
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
            ResponseWriter = WriteAsync,
        });
        return routes;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.Headers.CacheControl = "no-store";
        var failed = report.Entries.Where(e => e.Value.Status == HealthStatus.Unhealthy).Select(e => e.Value.Description ?? e.Key).ToList();
        return failed.Count == 0
            ? context.Response.WriteAsJsonAsync(new ReadyBody("ready", null), NanogateJsonContext.Default.ReadyBody)
            : context.Response.WriteAsJsonAsync(new ReadyBody("unavailable", string.Join("; ", failed)), NanogateJsonContext.Default.ReadyBody);
    }
}
