using System.Text.Json.Nodes;
using Nanogate.Admin.Manage;
using Nanogate.Auth;
using Nanogate.Core.Catalog;
using Nanogate.Hosting;
using Nanogate.Pipeline;
using Nanogate.Storage.Accounts;
using Nanogate.Storage.Changes;
using Nanogate.Storage.Ledger;

namespace Nanogate.Admin;

/// <summary>The operator's API under <c>/admin/v1</c>, guarded by the admin key.</summary>
internal static class AdminEndpoints
{
    /// <summary>Maps the admin routes.</summary>
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder routes)
    {
        var admin = routes.MapGroup("/admin/v1").WithDialect(Dialect.Nanogate).RequireAuthorization(NanogatePolicies.AdminKey);

        // Every successful change through this group is recorded in the audit log (GET /admin/v1/audit).
        admin.AddEndpointFilter<AdminAuditFilter>();

        admin.MapPost("/accounts", CreateAccountAsync).DescribesRequestBody<Wire.AdminAccountCreateRequest>()
            .Produces<AdminAccountResponse>(201).Produces<ApiErrorBody>(400);
        admin.MapAdminConsoleRoutes();
        admin.MapGet("/accounts/{accountId}", GetAccountAsync).Produces<AdminAccountResponse>().Produces<ApiErrorBody>(404);
        admin.MapAdminKeysRoutes();
        admin.MapPost("/accounts/{accountId}/credits", TopUpAsync).DescribesRequestBody<Wire.AdminTopUpRequest>()
            .Produces<Wire.AdminTopUpResponse>().Produces<ApiErrorBody>(400).Produces<ApiErrorBody>(404);
        admin.MapAdminChannelRoutes();
        admin.MapPost("/admin-key/rotate", RotateAdminKeyAsync).Produces<Wire.AdminKeyBody>().ProducesErrors(Dialect.Nanogate, 409);
        admin.MapAdminTasksRoutes();
        admin.MapAdminConsoleTaskRoutes();
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

    private static async Task<IResult> CreateAccountAsync(HttpContext context, IAccountStore accounts, Storage.Admin.IAdminStore store, ILedger ledger)
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

        if (AdminNames.Problem(name, "name") is { } problem)
        {
            return ApiError.Invalid(problem, "name");
        }

        if (credits is < 0 or > ILedger.MaxBalance)
        {
            return ApiError.Invalid($"credits must be a whole number from 0 to {ILedger.MaxBalance:N0}.", "credits");
        }

        var account = await accounts.CreateAccountAsync(name.Trim(), credits ?? 0, context.RequestAborted).ConfigureAwait(false);
        AdminAudit.Describe(context, "account.create", account.Id, new JsonObject { ["name"] = account.Name, ["credits"] = credits ?? 0 });
        var created = await store.GetAccountAsync(account.Id, context.RequestAborted).ConfigureAwait(false);
        return Results.Json(await AdminConsoleEndpoints.AccountJsonAsync(created!, ledger, context.RequestAborted).ConfigureAwait(false), AdminConsoleJsonContext.Default.AdminAccountResponse, statusCode: 201);
    }

    private static async Task<IResult> GetAccountAsync(HttpContext context, string accountId, Storage.Admin.IAdminStore store, ILedger ledger) =>
        await store.GetAccountAsync(accountId, context.RequestAborted).ConfigureAwait(false) is { } account
            ? Results.Json(await AdminConsoleEndpoints.AccountJsonAsync(account, ledger, context.RequestAborted).ConfigureAwait(false), AdminConsoleJsonContext.Default.AdminAccountResponse)
            : ApiError.NotFound($"No account {accountId}.");

    private static async Task<IResult> RotateAdminKeyAsync(HttpContext context, AdminAuthenticator admin, IAccountStore accounts, IChangeFeed changes)
    {
        if (admin.IsPinned)
        {
            return ApiError.Result(409, "admin_key_pinned", "The admin key is set by configuration (Admin:ApiKey); change it there and restart every process.");
        }

        var key = await admin.RotateAsync(accounts, changes, CancellationToken.None).ConfigureAwait(false);
        return Results.Json(new Wire.AdminKeyBody("admin_key", key), JsonDefaults.Snake);
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

            if (credits is <= 0 or > ILedger.MaxBalance)
            {
                return ApiError.Invalid($"credits must be a positive whole number, at most {ILedger.MaxBalance:N0}.", "credits");
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

            if (usd > ILedger.MaxBalance / package.CreditsPerUsd)
            {
                return ApiError.Invalid($"usd {usd} buys more than the {ILedger.MaxBalance:N0} credits an account may hold.", "usd");
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

        if (await ledger.TopUpAsync(accountId, amount, note, CancellationToken.None).ConfigureAwait(false) is null)
        {
            return ApiError.Invalid($"Adding {amount:N0} credits would take the account past the {ILedger.MaxBalance:N0} credits one account may hold; nothing was added.", "credits");
        }

        AdminAudit.Describe(context, "credits.top_up", accountId, new JsonObject { ["credits"] = amount, ["note"] = note });
        var balance = await ledger.GetBalanceAsync(accountId, context.RequestAborted).ConfigureAwait(false);
        return Results.Json(new Wire.AdminTopUpResponse(accountId, amount, note, balance), JsonDefaults.Snake);
    }
}
