using Nanogate.Auth;
using Nanogate.Hosting;
using Nanogate.Storage.Accounts;

namespace Nanogate.Webhooks;

/// <summary>The caller's webhook signing secret: <c>GET /v1/webhook-secret</c>.</summary>
internal static class WebhookEndpoints
{
    /// <summary>Maps the webhook routes.</summary>
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/webhook-secret", async (HttpContext context, ApiKeyAuthenticator auth, IAccountStore accounts) =>
        {
            var key = ApiKeyAuthenticator.ExtractKey(context.Request, geminiStyle: false);
            if (await auth.AuthenticateAsync(key, context.RequestAborted).ConfigureAwait(false) is not { } caller)
            {
                return ApiError.Unauthenticated(key is not null);
            }

            if (await accounts.GetAccountAsync(caller.AccountId, context.RequestAborted).ConfigureAwait(false) is not { } account)
            {
                return ApiError.NotFound("The account of this key no longer exists.");
            }

            context.Response.Headers.CacheControl = "no-store";
            return Results.Json(new { @object = "webhook_secret", secret = account.WebhookSecret }, JsonDefaults.Snake);
        });
        return routes;
    }
}
