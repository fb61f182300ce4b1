using Nanogate.Upstreams.TaskRelay;

namespace Nanogate.Hosting;

/// <summary>
/// <c>POST /v1/relay-callbacks/{token}</c>: where an upstream platform that this server relays tasks to calls back when
/// its task ends. No key: the unguessable token is the credential, and the call only wakes the waiting relay's next
/// poll; its body is ignored (the state is always read from the upstream itself).
/// </summary>
internal static class RelayCallbackEndpoints
{
    /// <summary>Maps the route.</summary>
    public static IEndpointRouteBuilder MapRelayCallbacks(this IEndpointRouteBuilder routes)
    {
        routes.MapPost("/v1/relay-callbacks/{token}", (string token, RelayCallbacks callbacks) =>
            token.Length <= 64 && callbacks.Signal(token)
                ? Results.Json(new { received = true })
                : ApiError.NotFound("No relayed task waits on this callback (it ended, or it waits on another process, which polls)."));
        return routes;
    }
}
