using System.Security.Cryptography;
using Nanogate.Auth;
using Nanogate.Hosting;
using Nanogate.Pipeline;
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
        var webhooks = routes.MapGroup("/v1").WithDialect(Dialect.Nanogate).RequireAuthorization(NanogatePolicies.UserKey);
        webhooks.MapGet("/webhook-secret", async (HttpContext context, Caller caller, IAccountStore accounts) =>
        {
            if (await accounts.GetAccountAsync(caller.AccountId, context.RequestAborted).ConfigureAwait(false) is not { } account)
            {
                return ApiError.NotFound("The account of this key no longer exists.");
            }

            return Secret(context, account.WebhookSecret);
        }).Produces<WebhookSecretBody>().ProducesErrors(Dialect.Nanogate, 404);

        webhooks.MapPost("/webhook-secret/rotate", async (HttpContext context, Caller caller, IAccountStore accounts) =>
        {
            var secret = StandardWebhookSigner.SecretPrefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
            var updated = await accounts.SetWebhookSecretAsync(caller.AccountId, secret, context.RequestAborted).ConfigureAwait(false);
            return updated ? Secret(context, secret) : ApiError.NotFound("The account of this key no longer exists.");
        }).Produces<WebhookSecretBody>().ProducesErrors(Dialect.Nanogate, 404);
        return routes;
    }

    private static IResult Secret(HttpContext context, string secret)
    {
        context.Response.Headers.CacheControl = "no-store";
        return Results.Json(new WebhookSecretBody("webhook_secret", secret), JsonDefaults.Snake);
    }
}
