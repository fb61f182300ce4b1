using System.Globalization;
using System.Text.Json.Nodes;
using Nanogate.Auth;
using Nanogate.Hosting;
using Nanogate.Pipeline;
using Nanogate.Storage.Admin;
using Nanogate.Storage.Changes;
using Nanogate.Storage.Ledger;

namespace Nanogate.Admin.Manage;

/// <summary>
/// The console's account routes (search and paging, rename, disable and enable, credit deductions) and the audit
/// log. Disabling takes effect in every process through the change feed: the key cache of each is cleared.
/// </summary>
internal static class AdminConsoleEndpoints
{
    /// <summary>The most rows one page may hold.</summary>
    public const int MaxLimit = 200;

    /// <summary>The longest deduction reason.</summary>
    public const int MaxReasonLength = 500;

    /// <summary>Maps the routes on the admin group (which checks the admin key).</summary>
    public static RouteGroupBuilder MapAdminConsoleRoutes(this RouteGroupBuilder admin)
    {
        admin.MapGet("/accounts", SearchAccountsAsync).Produces<AdminAccountList>().Produces<ApiErrorBody>(400);
        admin.MapPatch("/accounts/{accountId}", UpdateAccountAsync).DescribesRequestBody<Wire.AdminAccountUpdateRequest>().Produces<AdminAccountResponse>().Produces<ApiErrorBody>(400).Produces<ApiErrorBody>(404);
        admin.MapPost("/accounts/{accountId}/deductions", DeductAsync).DescribesRequestBody<Wire.AdminDeductionRequest>().Produces<AdminDeductionResponse>().Produces<ApiErrorBody>(400).Produces<ApiErrorBody>(404).Produces<ApiErrorBody>(409);
        admin.MapGet("/audit", ListAuditAsync).Produces<AdminAuditList>().Produces<ApiErrorBody>(400);
        return admin;
    }

    /// <summary>Reads <c>?limit=</c> (1 to <see cref="MaxLimit"/>, default 50); an error naming the field otherwise.</summary>
    public static bool TryLimit(HttpContext context, out int limit, out IResult? error)
    {
        error = null;
        limit = 50;
        var raw = context.Request.Query["limit"].ToString();
        if (raw.Length > 0 && (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MaxLimit))
        {
            error = ApiError.Invalid($"limit must be a whole number from 1 to {MaxLimit}; got \"{Clip(raw)}\".", "limit");
            return false;
        }

        return true;
    }

    /// <summary>A query value, trimmed; null when absent or blank.</summary>
    public static string? Query(HttpContext context, string name) =>
        context.Request.Query[name].ToString().Trim() is { Length: > 0 } value ? value : null;

    /// <summary>Echoes at most 60 characters of a caller's value in a message.</summary>
    public static string Clip(string value) => value.Length > 60 ? value[..60] + "…" : value;

    internal static async Task<AdminAccountResponse> AccountJsonAsync(AccountSummary account, ILedger ledger, CancellationToken ct)
    {
        var balance = await ledger.GetBalanceAsync(account.Id, ct).ConfigureAwait(false);
        return new AdminAccountResponse(
            account.Id, "account", account.Name, DateTimeOffset.FromUnixTimeMilliseconds(account.CreatedAt), account.DisabledAt is not null,
            account.DisabledAt is { } d ? DateTimeOffset.FromUnixTimeMilliseconds(d) : null,
            new AdminCredits(balance.Available, balance.Reserved, balance.Charged, balance.ToppedUp, balance.Deducted));
    }

    private static async Task<IResult> SearchAccountsAsync(HttpContext context, IAdminStore store, ILedger ledger)
    {
        if (!TryLimit(context, out var limit, out var error))
        {
            return error!;
        }

        var search = Query(context, "q");
        if (search is { Length: > 200 })
        {
            return ApiError.Invalid("q is longer than 200 characters; search by an account id or part of a name.", "q");
        }

        var after = Query(context, "after");
        if (after is not null && await store.GetAccountAsync(after, context.RequestAborted).ConfigureAwait(false) is null)
        {
            return ApiError.Invalid($"after must be the id of an account (the next_after of the previous page); no account {Clip(after)}.", "after");
        }

        var page = await store.SearchAccountsAsync(search, limit, after, context.RequestAborted).ConfigureAwait(false);
        var data = new List<AdminAccountResponse>(page.Data.Count);
        foreach (var account in page.Data)
        {
            data.Add(await AccountJsonAsync(account, ledger, context.RequestAborted).ConfigureAwait(false));
        }

        return Results.Json(
            new AdminAccountList("list", data, page.Total, page.HasMore, page.HasMore ? data[^1].Id : null),
            AdminConsoleJsonContext.Default.AdminAccountList);
    }

    private static async Task<IResult> UpdateAccountAsync(HttpContext context, string accountId, IAdminStore store, ILedger ledger, ApiKeyAuthenticator auth, TimeProvider time)
    {
        var (body, error) = await JsonBody.ReadObjectAsync(context).ConfigureAwait(false);
        if (error is not null || !JsonBody.TryGetString(body!, "name", out var name, out error))
        {
            return error!;
        }

        bool? disabled = null;
        if (body!.TryGetPropertyValue("disabled", out var disabledNode))
        {
            if (disabledNode is not JsonValue v || !v.TryGetValue<bool>(out var flag))
            {
                return ApiError.Invalid("disabled must be true (refuse the account's keys with 403) or false (accept them again).", "disabled");
            }

            disabled = flag;
        }

        var unknown = body.Select(p => p.Key).FirstOrDefault(k => k is not ("name" or "disabled"));
        if (unknown is not null)
        {
            return ApiError.Invalid($"Unknown field \"{Clip(unknown)}\": an account takes name and disabled.", unknown);
        }

        if (name is null && disabled is null)
        {
            return ApiError.Invalid("Send name (a new label) and/or disabled (true or false), e.g. {\"disabled\":true}.", "name");
        }

        if (name is not null)
        {
            if (string.IsNullOrWhiteSpace(name))
            {
                return ApiError.Invalid("name may not be blank.", "name");
            }

            if (AdminNames.Problem(name, "name") is { } problem)
            {
                return ApiError.Invalid(problem, "name");
            }
        }

        var before = await store.GetAccountAsync(accountId, context.RequestAborted).ConfigureAwait(false);
        if (before is null)
        {
            return ApiError.NotFound($"No account {accountId}.");
        }

        var detail = new JsonObject();
        if (name is not null)
        {
            await store.RenameAccountAsync(accountId, name.Trim(), CancellationToken.None).ConfigureAwait(false);
            detail["name"] = new JsonObject { ["from"] = before.Name, ["to"] = name.Trim() };
        }

        if (disabled is { } d)
        {
            await store.SetAccountDisabledAsync(accountId, d, time.GetUtcNow().ToUnixTimeMilliseconds(), CancellationToken.None).ConfigureAwait(false);
            detail["disabled"] = d;

            // Every process forgets its cached key lookups (the change feed), so the account's keys answer 403 (or work again) at once.
            await auth.KeysChangedAsync(CancellationToken.None).ConfigureAwait(false);
        }

        var action = (name, disabled) switch
        {
            (null, true) => "account.disable",
            (null, false) => "account.enable",
            (_, null) => "account.rename",
            _ => "account.update",
        };
        AdminAudit.Describe(context, action, accountId, detail);
        var after = (await store.GetAccountAsync(accountId, CancellationToken.None).ConfigureAwait(false))!;
        return Results.Json(await AccountJsonAsync(after, ledger, CancellationToken.None).ConfigureAwait(false), AdminConsoleJsonContext.Default.AdminAccountResponse);
    }

    private static async Task<IResult> DeductAsync(HttpContext context, string accountId, IAdminStore store, ILedger ledger, IChangeFeed changes, TimeProvider time)
    {
        var (body, error) = await JsonBody.ReadObjectAsync(context).ConfigureAwait(false);
        if (error is not null
            || !JsonBody.TryGetInteger(body!, "credits", out var credits, out error)
            || !JsonBody.TryGetString(body!, "reason", out var reason, out error))
        {
            return error!;
        }

        if (credits is null or <= 0 or > ILedger.MaxBalance)
        {
            return ApiError.Invalid($"credits must be a positive whole number of credits to take, at most {ILedger.MaxBalance:N0}, e.g. {{\"credits\":100,\"reason\":\"chargeback\"}}.", "credits");
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            return ApiError.Invalid("reason is required: why the credits are taken (it is kept on the ledger entry and in the audit log).", "reason");
        }

        if (reason.Length > MaxReasonLength || reason.Any(char.IsControl))
        {
            return ApiError.Invalid($"reason must be one line of at most {MaxReasonLength} characters.", "reason");
        }

        var result = await store.DeductAsync(accountId, credits.Value, reason.Trim(), time.GetUtcNow().ToUnixTimeMilliseconds(), CancellationToken.None).ConfigureAwait(false);
        switch (result.Outcome)
        {
            case DeductionOutcome.AccountNotFound:
                return ApiError.NotFound($"No account {accountId}.");
            case DeductionOutcome.InsufficientCredits:
                return ApiError.Result(409, "insufficient_credits", $"The account has {result.Available:N0} credits available; {credits.Value:N0} cannot be taken (a balance never goes below zero, and held credits are not touched). Nothing was deducted.", "credits");
        }

        await changes.PublishAsync(ChangeTopics.Credits, accountId, CancellationToken.None).ConfigureAwait(false);
        AdminAudit.Describe(context, "credits.deduct", accountId, new JsonObject { ["credits"] = credits.Value, ["reason"] = reason.Trim() });
        var balance = await ledger.GetBalanceAsync(accountId, CancellationToken.None).ConfigureAwait(false);
        return Results.Json(
            new AdminDeductionResponse(accountId, credits.Value, reason.Trim(), new AdminCredits(balance.Available, balance.Reserved, balance.Charged, balance.ToppedUp, balance.Deducted)),
            AdminConsoleJsonContext.Default.AdminDeductionResponse);
    }

    private static async Task<IResult> ListAuditAsync(HttpContext context, IAdminStore store)
    {
        if (!TryLimit(context, out var limit, out var error))
        {
            return error!;
        }

        long? before = null;
        if (Query(context, "before") is { } raw)
        {
            if (!long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var b) || b < 1)
            {
                return ApiError.Invalid($"before must be the id of an audit entry (the next_before of the previous page); got \"{Clip(raw)}\".", "before");
            }

            before = b;
        }

        var target = Query(context, "target");
        var page = await store.ListAuditAsync(target, limit, before, context.RequestAborted).ConfigureAwait(false);
        var data = page.Data.Select(e => new AdminAuditEntryResponse(
            e.Id, "audit_entry", Tasks.TaskJson.Iso(e.At), e.Actor, e.Action, e.Target, e.Detail is null ? null : JsonNode.Parse(e.Detail), e.Ip)).ToList();
        return Results.Json(
            new AdminAuditList("list", data, page.Total, page.HasMore, page.HasMore ? data[^1].Id : null),
            AdminConsoleJsonContext.Default.AdminAuditList);
    }
}
