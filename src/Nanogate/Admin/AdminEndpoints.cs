using Nanogate.Auth;
using Nanogate.Core.Catalog;
using Nanogate.Hosting;
using Nanogate.Storage.Accounts;
using Nanogate.Storage.Ledger;

namespace Nanogate.Admin;

/// <summary>The operator's API under <c>/admin/v1</c>, guarded by the admin key.</summary>
public static class AdminEndpoints
{
    /// <summary>Maps the admin routes.</summary>
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin/v1").AddEndpointFilter(async (context, next) =>
        {
            var auth = context.HttpContext.RequestServices.GetRequiredService<AdminAuthenticator>();
            return auth.IsAdmin(context.HttpContext.Request)
                ? await next(context).ConfigureAwait(false)
                : ApiError.Result(401, "unauthenticated", "This route needs the admin key as Authorization: Bearer <admin key> (printed on first start, or set Admin:ApiKey).");
        });

        admin.MapPost("/accounts", CreateAccountAsync);
        admin.MapGet("/accounts", ListAccountsAsync);
        admin.MapGet("/accounts/{accountId}", GetAccountAsync);
        admin.MapPost("/accounts/{accountId}/keys", CreateKeyAsync);
        admin.MapGet("/accounts/{accountId}/keys", ListKeysAsync);
        admin.MapDelete("/keys/{keyId}", RevokeKeyAsync);
        admin.MapPatch("/keys/{keyId}", UpdateKeyAsync);
        admin.MapPost("/accounts/{accountId}/credits", TopUpAsync);
        admin.MapAdminChannelRoutes();
        admin.MapAdminTasksRoutes();
        return routes;
    }

    private static async Task<object> AccountJsonAsync(Account account, ILedger ledger, CancellationToken ct)
    {
        var balance = await ledger.GetBalanceAsync(account.Id, ct).ConfigureAwait(false);
        return new
        {
            account.Id,
            @object = "account",
            account.Name,
            CreatedAt = account.CreatedAt,
            Credits = new { balance.Available, balance.Reserved, balance.Charged, balance.ToppedUp },
        };
    }

    private static async Task<IResult> CreateAccountAsync(HttpContext context, IAccountStore accounts, ILedger ledger)
    {
        var (body, error) = await JsonBody.ReadObjectAsync(context, allowEmpty: true).ConfigureAwait(false);
        if (error is not null)
        {
            return error;
        }

        if (!JsonBody.TryGetString(body!, "name", out var name, out error) || !JsonBody.TryGetInteger(body!, "credits", out var credits, out error))
        {
            return error!;
        }

        if (string.IsNullOrWhiteSpace(name))
        {
            return ApiError.Invalid("name is required: a label for the account, e.g. {\"name\":\"acme\"}.", "name");
        }

        if (credits is < 0)
        {
            return ApiError.Invalid("credits must be zero or more.", "credits");
        }

        var account = await accounts.CreateAccountAsync(name.Trim(), credits ?? 0, context.RequestAborted).ConfigureAwait(false);
        return Results.Json(await AccountJsonAsync(account, ledger, context.RequestAborted).ConfigureAwait(false), JsonDefaults.Snake, statusCode: 201);
    }

    private static async Task<IResult> ListAccountsAsync(HttpContext context, IAccountStore accounts, ILedger ledger)
    {
        var list = await accounts.ListAccountsAsync(context.RequestAborted).ConfigureAwait(false);
        var data = new List<object>(list.Count);
        foreach (var account in list)
        {
            data.Add(await AccountJsonAsync(account, ledger, context.RequestAborted).ConfigureAwait(false));
        }

        return Results.Json(new { @object = "list", data }, JsonDefaults.Snake);
    }

    private static async Task<IResult> GetAccountAsync(HttpContext context, string accountId, IAccountStore accounts, ILedger ledger) =>
        await accounts.GetAccountAsync(accountId, context.RequestAborted).ConfigureAwait(false) is { } account
            ? Results.Json(await AccountJsonAsync(account, ledger, context.RequestAborted).ConfigureAwait(false), JsonDefaults.Snake)
            : ApiError.NotFound($"No account {accountId}.");

    private static object KeyJson(ApiKeyRecord k, string? plaintext = null) => new
    {
        k.Id,
        @object = "api_key",
        k.AccountId,
        k.Name,
        k.Prefix,
        Key = plaintext,
        k.ImageDelivery,
        k.CreatedAt,
        k.RevokedAt,
    };

    private static async Task<IResult> CreateKeyAsync(HttpContext context, string accountId, IAccountStore accounts)
    {
        var (body, error) = await JsonBody.ReadObjectAsync(context, allowEmpty: true).ConfigureAwait(false);
        if (error is not null || !JsonBody.TryGetString(body!, "name", out var name, out error))
        {
            return error!;
        }

        if (await accounts.GetAccountAsync(accountId, context.RequestAborted).ConfigureAwait(false) is null)
        {
            return ApiError.NotFound($"No account {accountId}.");
        }

        var created = await accounts.CreateKeyAsync(accountId, name, null, context.RequestAborted).ConfigureAwait(false);
        return Results.Json(KeyJson(created.Record, created.Key), JsonDefaults.Snake, statusCode: 201);
    }

    private static async Task<IResult> ListKeysAsync(HttpContext context, string accountId, IAccountStore accounts)
    {
        if (await accounts.GetAccountAsync(accountId, context.RequestAborted).ConfigureAwait(false) is null)
        {
            return ApiError.NotFound($"No account {accountId}.");
        }

        var keys = await accounts.ListKeysAsync(accountId, context.RequestAborted).ConfigureAwait(false);
        return Results.Json(new { @object = "list", data = keys.Select(k => KeyJson(k)) }, JsonDefaults.Snake);
    }

    private static async Task<IResult> RevokeKeyAsync(HttpContext context, string keyId, IAccountStore accounts, ApiKeyAuthenticator auth)
    {
        if (!await accounts.RevokeKeyAsync(keyId, context.RequestAborted).ConfigureAwait(false))
        {
            return ApiError.NotFound($"No key {keyId}.");
        }

        auth.Invalidate();
        return Results.Json(new { id = keyId, @object = "api_key", revoked = true }, JsonDefaults.Snake);
    }

    private static async Task<IResult> UpdateKeyAsync(HttpContext context, string keyId, IAccountStore accounts, ApiKeyAuthenticator auth)
    {
        var (body, error) = await JsonBody.ReadObjectAsync(context).ConfigureAwait(false);
        if (error is not null || !JsonBody.TryGetString(body!, "image_delivery", out var delivery, out error))
        {
            return error!;
        }

        if (delivery is not (null or "url" or "inline"))
        {
            return ApiError.Invalid("image_delivery must be \"url\", \"inline\" or null.", "image_delivery");
        }

        if (!await accounts.SetKeyImageDeliveryAsync(keyId, delivery, context.RequestAborted).ConfigureAwait(false))
        {
            return ApiError.NotFound($"No key {keyId}.");
        }

        auth.Invalidate();
        return Results.Json(new { id = keyId, @object = "api_key", image_delivery = delivery }, JsonDefaults.Snake);
    }

    private static async Task<IResult> TopUpAsync(HttpContext context, string accountId, IAccountStore accounts, ILedger ledger, ModelCatalog catalog)
    {
        var (body, error) = await JsonBody.ReadObjectAsync(context).ConfigureAwait(false);
        if (error is not null
            || !JsonBody.TryGetInteger(body!, "credits", out var credits, out error)
            || !JsonBody.TryGetString(body!, "package", out var packageId, out error)
            || !JsonBody.TryGetDecimal(body!, "usd", out var usd, out error))
        {
            return error!;
        }

        long amount;
        string note;
        if (credits is not null)
        {
            if (packageId is not null || usd is not null)
            {
                return ApiError.Invalid("Send either {\"credits\":N} or {\"package\":\"…\",\"usd\":N}, not both.");
            }

            if (credits <= 0)
            {
                return ApiError.Invalid("credits must be a positive integer.", "credits");
            }

            amount = credits.Value;
            note = "admin top-up";
        }
        else if (packageId is not null)
        {
            var package = catalog.FindPackage(packageId);
            if (package is null)
            {
                return ApiError.Invalid($"Unknown package \"{packageId}\". Packages: {string.Join(", ", catalog.Packages.Select(p => $"{p.Id} ({p.CreditsPerUsd} credits per $1, from ${p.MinimumUsd})"))}.", "package");
            }

            if (usd is null || usd <= 0)
            {
                return ApiError.Invalid("usd is required with a package: the dollars paid, e.g. {\"package\":\"entry\",\"usd\":10}.", "usd");
            }

            if (usd < package.MinimumUsd)
            {
                return ApiError.Invalid($"The {package.Id} package starts at ${package.MinimumUsd}; {usd} is below it.", "usd");
            }

            amount = (long)Math.Floor(usd.Value * package.CreditsPerUsd);
            note = $"package {package.Id}: ${usd}";
        }
        else
        {
            return ApiError.Invalid("Send {\"credits\":N} or {\"package\":\"entry\"|\"plus\"|\"pro\"|\"best\",\"usd\":N}.");
        }

        if (await accounts.GetAccountAsync(accountId, context.RequestAborted).ConfigureAwait(false) is null)
        {
            return ApiError.NotFound($"No account {accountId}.");
        }

        await ledger.TopUpAsync(accountId, amount, note, context.RequestAborted).ConfigureAwait(false);
        var balance = await ledger.GetBalanceAsync(accountId, context.RequestAborted).ConfigureAwait(false);
        return Results.Json(new { account_id = accountId, added = amount, note, credits = balance }, JsonDefaults.Snake);
    }
}
