using System.Text.Json;
using Nanogate.Pipeline;
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
                ? Results.Json(new RelayCallbackReceived(true), ApiJsonContext.Default.RelayCallbackReceived)
                : ApiError.NotFound("No relayed task waits on this callback (it ended, or it waits on another process, which polls)."))
            .DescribesRequestBody<JsonElement>("application/json", required: false)
            .Produces<RelayCallbackReceived>()
            .ProducesErrors(Dialect.Nanogate, StatusCodes.Status404NotFound)
            .WithDescription("Called by an upstream task platform when a relayed task ends; the token in the path is the credential and the body (any JSON) is ignored.");
        return routes;
    }
}
