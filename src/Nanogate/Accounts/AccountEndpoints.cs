using Nanogate.Auth;
using Nanogate.Hosting;
using Nanogate.Storage.Accounts;
using Nanogate.Storage.Ledger;

namespace Nanogate.Accounts;

/// <summary>The caller's own account: <c>GET /v1/account</c>.</summary>
public static class AccountEndpoints
{
    /// <summary>Maps the account routes.</summary>
    public static IEndpointRouteBuilder MapAccountApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/account", async (HttpContext context, ApiKeyAuthenticator auth, IAccountStore accounts, ILedger ledger) =>
        {
            var key = ApiKeyAuthenticator.ExtractKey(context.Request, geminiStyle: false);
            if (await auth.AuthenticateAsync(key, context.RequestAborted).ConfigureAwait(false) is not { } caller)
            {
                return ApiError.Unauthenticated(key is not null);
            }

            var account = await accounts.GetAccountAsync(caller.AccountId, context.RequestAborted).ConfigureAwait(false);
            var balance = await ledger.GetBalanceAsync(caller.AccountId, context.RequestAborted).ConfigureAwait(false);
            return Results.Json(new
            {
                id = caller.AccountId,
                @object = "account",
                name = account?.Name,
                key_id = caller.KeyId,
                credits = new { balance.Available, balance.Reserved, balance.Charged, balance.ToppedUp },
            }, JsonDefaults.Snake);
        });
        return routes;
    }
}
