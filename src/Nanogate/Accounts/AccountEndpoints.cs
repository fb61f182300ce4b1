using Nanogate.Auth;
using Nanogate.Hosting;
using Nanogate.Pipeline;
using Nanogate.Storage.Accounts;
using Nanogate.Storage.Ledger;

namespace Nanogate.Accounts;

/// <summary>The caller's own account: <c>GET /v1/account</c>.</summary>
internal static class AccountEndpoints
{
    /// <summary>Maps the account routes.</summary>
    public static IEndpointRouteBuilder MapAccountApi(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/v1/account", async (HttpContext context, Caller caller, IAccountStore accounts, ILedger ledger) =>
        {
            var account = await accounts.GetAccountAsync(caller.AccountId, context.RequestAborted).ConfigureAwait(false);
            var balance = await ledger.GetBalanceAsync(caller.AccountId, context.RequestAborted).ConfigureAwait(false);
            return Results.Json(new AccountBody(caller.AccountId, "account", account?.Name, caller.KeyId, AccountCredits.From(balance)), JsonDefaults.Snake);
        }).WithDialect(Dialect.Nanogate).RequireAuthorization(NanogatePolicies.UserKey).Produces<AccountBody>();
        return routes;
    }
}
