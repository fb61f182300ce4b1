using Microsoft.Extensions.Options;
using Nanogate.Auth;
using Nanogate.Hosting;
using Nanogate.Operations;

namespace Nanogate.Pipeline;

/// <summary>Puts a synchronous generation route behind the <see cref="SyncGenerationGate"/>.</summary>
internal static class SyncGenerationBound
{
    /// <summary>
    /// Enters the gate before the handler runs (the handlers read their bodies themselves, so nothing of the body has
    /// been read, and no credit is held, when a request is refused); past the bound, 429 with <c>Retry-After</c> in
    /// <paramref name="dialect"/>'s shape, counted as <c>nanogate_sync_refused_total</c>. The slot is held until the
    /// response has been sent (a b64 answer is written after the handler returns), then given back.
    /// <paramref name="applies"/> limits the bound to some callers (the task route: only keys that answer synchronously).
    /// </summary>
    public static RouteHandlerBuilder WithSyncGenerationBound(this RouteHandlerBuilder route, Dialect dialect, Func<Caller, bool>? applies = null) =>
        route.AddEndpointFilterFactory((factory, next) =>
        {
            var services = factory.ApplicationServices;
            var gate = services.GetRequiredService<SyncGenerationGate>();
            var limits = services.GetRequiredService<IOptions<LimitsOptions>>().Value;
            var metrics = services.GetRequiredService<NanogateMetrics>();
            var label = dialect.MetricLabel();
            return async invocation =>
            {
                var http = invocation.HttpContext;
                if ((http.User.Identity as CallerIdentity)?.Caller is not { } caller || (applies is not null && !applies(caller)))
                {
                    return await next(invocation).ConfigureAwait(false);
                }

                var permit = await gate.EnterAsync(caller.AccountId, http.RequestAborted).ConfigureAwait(false);
                if (permit.Refusal is { } refusal)
                {
                    metrics.SyncRefused(label, refusal);
                    return DialectErrors.SyncBusy(dialect, refusal, limits);
                }

                http.Response.RegisterForDispose(permit);
                return await next(invocation).ConfigureAwait(false);
            };
        });
}
