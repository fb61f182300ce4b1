using System.Security.Cryptography;
using Nanogate.Auth;
using Nanogate.Hosting;
using Nanogate.Storage.Accounts;

namespace Nanogate.Webhooks;

/// <summary>
/// The caller's webhook signing secret: <c>GET /v1/webhook-secret</c>, and
/// <c>POST /v1/webhook-secret/rotate</c> to replace it (attempts from then on are signed with the new one).
/// </summary>
internal static class WebhookEndpoints
{
    /// <summary>Maps the webhook routes.</summary>
    public static IEndpointRouteBuilder MapWebhooksApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/webhook-secret", async (HttpContext context, ApiKeyAuthenticator auth, IAccountStore accounts) =>
        {
            if (await AuthenticateAsync(context, auth).ConfigureAwait(false) is not { } caller)
            {
                return ApiError.Unauthenticated(ApiKeyAuthenticator.ExtractKey(context.Request, geminiStyle: false) is not null);
            }

            if (await accounts.GetAccountAsync(caller.AccountId, context.RequestAborted).ConfigureAwait(false) is not { } account)
            {
                return ApiError.NotFound("The account of this key no longer exists.");
            }

            return Secret(context, account.WebhookSecret);
        });

        routes.MapPost("/v1/webhook-secret/rotate", async (HttpContext context, ApiKeyAuthenticator auth, IAccountStore accounts) =>
        {
            if (await AuthenticateAsync(context, auth).ConfigureAwait(false) is not { } caller)
            {
                return ApiError.Unauthenticated(ApiKeyAuthenticator.ExtractKey(context.Request, geminiStyle: false) is not null);
            }

            var secret = StandardWebhookSigner.SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            var updated = await accounts.SetWebhookSecretAsync(caller.AccountId, secret, context.RequestAborted).ConfigureAwait(false);
            return updated ? Secret(context, secret) : ApiError.NotFound("The account of this key no longer exists.");
        });
        return routes;
    }

    private static ValueTask<Caller?> AuthenticateAsync(HttpContext context, ApiKeyAuthenticator auth) =>
        auth.AuthenticateAsync(ApiKeyAuthenticator.ExtractKey(context.Request, geminiStyle: false), context.RequestAborted);

    private static IResult Secret(HttpContext context, string secret)
    {
        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(new { @object = "webhook_secret", secret }, JsonDefaults.Snake);
    }
}
