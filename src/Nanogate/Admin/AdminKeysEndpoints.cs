using System.Globalization;
using System.Text.Json.Nodes;
using Nanogate.Auth;
using Nanogate.Hosting;
using Nanogate.Pipeline;
using Nanogate.Storage.Accounts;
using Nanogate.Storage.Ledger;

namespace Nanogate.Admin;

/// <summary>
/// The admin key routes: create (with its controls), list, revoke and change a key. A change is committed, then this
/// process's key cache is cleared and every other process is told through the change feed (within a second).
/// </summary>
internal static class AdminKeysEndpoints
{
    private const int MaxPerMinute = 1_000_000;

    private static readonly KeyLimitPair RateLimit = new("rate_limit", "requests_per_minute", "images_per_minute", "n", "", MaxPerMinute, "limit");

    private static readonly KeyLimitPair SpendCap = new("spend_cap", "daily", "monthly", "credits", " of credits", ILedger.MaxBalance, "cap");

    /// <summary>Maps the routes on the admin group.</summary>
    public static RouteGroupBuilder MapAdminKeysRoutes(this RouteGroupBuilder admin)
    {
        admin.MapPost("/accounts/{accountId}/keys", CreateKeyAsync).DescribesRequestBody<Wire.AdminKeyWriteRequest>(required: false).Produces<ApiKeyBody>(201).Produces<ApiErrorBody>(400).Produces<ApiErrorBody>(404);
        admin.MapGet("/accounts/{accountId}/keys", ListKeysAsync).Produces<ApiKeyListBody>();
        admin.MapDelete("/keys/{keyId}", RevokeKeyAsync).Produces<Wire.AdminKeyRevoked>().Produces<ApiErrorBody>(404);
        admin.MapPatch("/keys/{keyId}", UpdateKeyAsync).DescribesRequestBody<Wire.AdminKeyWriteRequest>().Produces<ApiKeyBody>().Produces<ApiErrorBody>(400).Produces<ApiErrorBody>(404);
        return admin;
    }

    /// <summary>A key as the admin API shows it.</summary>
    public static ApiKeyBody KeyBody(ApiKeyRecord k, string? plaintext = null) => new(
        k.Id, "api_key", k.AccountId, k.Name, k.Prefix, plaintext, k.ImageDelivery, k.ImagesApi ?? "tasks", k.CallbackFormat ?? "envelope",
        k.CreatedAt, k.RevokedAt, k.Controls.ExpiresAt,
        new KeyRateLimitBody(k.Controls.RequestsPerMinute, k.Controls.ImagesPerMinute),
        new KeySpendCapBody(k.Controls.DailyCap, k.Controls.MonthlyCap),
        k.LastUsedAt);

    private static IResult Json(ApiKeyBody body, int status = 200) => Results.Json(body, AdminKeysJsonContext.Default.ApiKeyBody, statusCode: status);

    private static async Task<IResult> CreateKeyAsync(HttpContext context, string accountId, IAccountStore accounts, TimeProvider time)
    {
        var (body, error) = await JsonBody.ReadObjectAsync(context, allowEmpty: true).ConfigureAwait(false);
        if (error is not null || !JsonBody.TryGetString(body!, "name", out var name, out error))
        {
            return error!;
        }

        if (name is not null && AdminNames.Problem(name, "name") is { } problem)
        {
            return ApiError.Invalid(problem, "name");
        }

        if (ReadControls(body!, KeyControls.None, time.GetUtcNow(), out var controls) is { } invalid)
        {
            return invalid;
        }

        if (await accounts.GetAccountAsync(accountId, context.RequestAborted).ConfigureAwait(false) is null)
        {
            return ApiError.NotFound($"No account {accountId}.");
        }

        var created = await accounts.CreateKeyAsync(accountId, name, null, context.RequestAborted).ConfigureAwait(false);
        var record = created.Record;
        if (controls != KeyControls.None)
        {
            await accounts.SetKeyControlsAsync(record.Id, controls, context.RequestAborted).ConfigureAwait(false);
            record = record with { Controls = controls };
        }

        return Json(KeyBody(record, created.Key), 201);
    }

    private static async Task<IResult> ListKeysAsync(HttpContext context, string accountId, IAccountStore accounts)
    {
        if (await accounts.GetAccountAsync(accountId, context.RequestAborted).ConfigureAwait(false) is null)
        {
            return ApiError.NotFound($"No account {accountId}.");
        }

        var keys = await accounts.ListKeysAsync(accountId, context.RequestAborted).ConfigureAwait(false);
        return Results.Json(new ApiKeyListBody("list", [.. keys.Select(k => KeyBody(k))]), AdminKeysJsonContext.Default.ApiKeyListBody);
    }

    private static async Task<IResult> RevokeKeyAsync(HttpContext context, string keyId, IAccountStore accounts, ApiKeyAuthenticator auth)
    {
        if (!await accounts.RevokeKeyAsync(keyId, context.RequestAborted).ConfigureAwait(false))
        {
            return ApiError.NotFound($"No key {keyId}.");
        }

        await auth.KeysChangedAsync(CancellationToken.None).ConfigureAwait(false);
        return Results.Json(new Wire.AdminKeyRevoked(keyId, "api_key", true), JsonDefaults.Snake);
    }

    private static async Task<IResult> UpdateKeyAsync(HttpContext context, string keyId, IAccountStore accounts, ApiKeyAuthenticator auth, TimeProvider time)
    {
        var (body, error) = await JsonBody.ReadObjectAsync(context).ConfigureAwait(false);
        if (error is not null
            || !JsonBody.TryGetString(body!, "image_delivery", out var delivery, out error)
            || !JsonBody.TryGetString(body!, "images_api", out var imagesApi, out error)
            || !JsonBody.TryGetString(body!, "callback_format", out var callbackFormat, out error))
        {
            return error!;
        }

        string[] fields = ["image_delivery", "images_api", "callback_format", "expires_at", "rate_limit", "spend_cap"];
        if (!fields.Any(body!.ContainsKey))
        {
            return ApiError.Invalid("Send at least one of image_delivery (\"url\", \"inline\" or null), images_api (\"tasks\" or \"sync\"), callback_format (\"envelope\" or \"task\"), expires_at (ISO 8601 or null), rate_limit ({\"requests_per_minute\": n, \"images_per_minute\": n} or null) and spend_cap ({\"daily\": credits, \"monthly\": credits} or null).", "image_delivery");
        }

        if (delivery is not (null or "url" or "inline"))
        {
            return ApiError.Invalid("image_delivery must be \"url\", \"inline\" or null.", "image_delivery");
        }

        if (imagesApi is not (null or "tasks" or "sync"))
        {
            return ApiError.Invalid("images_api must be \"tasks\" (POST /v1/images/generations answers a task) or \"sync\" (it answers the images, as seed 004's platform), or null.", "images_api");
        }

        if (callbackFormat is not (null or "envelope" or "task"))
        {
            return ApiError.Invalid("callback_format must be \"envelope\" (Standard Webhooks {type, timestamp, data}) or \"task\" (the bare task object), or null.", "callback_format");
        }

        var key = await accounts.FindKeyAsync(keyId, context.RequestAborted).ConfigureAwait(false);
        if (key is null)
        {
            return ApiError.NotFound($"No key {keyId}.");
        }

        if (ReadControls(body, key.Controls, time.GetUtcNow(), out var controls) is { } invalid)
        {
            return invalid;
        }

        // Only the fields sent change; "tasks" and "envelope" are stored as null (the defaults).
        if (body.ContainsKey("image_delivery"))
        {
            await accounts.SetKeyImageDeliveryAsync(keyId, delivery, context.RequestAborted).ConfigureAwait(false);
        }

        var newImagesApi = body.ContainsKey("images_api") ? (imagesApi == "sync" ? "sync" : null) : key.ImagesApi;
        var newCallbackFormat = body.ContainsKey("callback_format") ? (callbackFormat == "task" ? "task" : null) : key.CallbackFormat;
        await accounts.SetKeyDialectSettingsAsync(keyId, newImagesApi, newCallbackFormat, context.RequestAborted).ConfigureAwait(false);
        if (controls != key.Controls)
        {
            await accounts.SetKeyControlsAsync(keyId, controls, context.RequestAborted).ConfigureAwait(false);
        }

        await auth.KeysChangedAsync(CancellationToken.None).ConfigureAwait(false);
        return Json(KeyBody(key with
        {
            ImageDelivery = body.ContainsKey("image_delivery") ? delivery : key.ImageDelivery,
            ImagesApi = newImagesApi,
            CallbackFormat = newCallbackFormat,
            Controls = controls,
        }));
    }

    /// <summary>
    /// Reads <c>expires_at</c>, <c>rate_limit</c> and <c>spend_cap</c> over <paramref name="current"/>: a field not sent
    /// keeps its value, null clears it, and in a sent object a member not sent keeps its value. An error, or null.
    /// </summary>
    private static IResult? ReadControls(JsonObject body, KeyControls current, DateTimeOffset now, out KeyControls controls)
    {
        controls = current;
        if (body.ContainsKey("expires_at"))
        {
            if (!JsonBody.TryGetString(body, "expires_at", out var text, out var error))
            {
                return error;
            }

            DateTimeOffset? expires = null;
            if (text is not null)
            {
                if (!DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed))
                {
                    return ApiError.Invalid($"expires_at must be an ISO 8601 time, e.g. \"2027-01-31T00:00:00Z\", or null for never; got \"{text}\".", "expires_at");
                }

                if (parsed <= now)
                {
                    return ApiError.Invalid($"expires_at must be in the future (now is {now.UtcDateTime:yyyy-MM-ddTHH:mm:ssZ}); to stop a key now, revoke it (DELETE /admin/v1/keys/{{id}}).", "expires_at");
                }

                expires = parsed;
            }

            controls = controls with { ExpiresAt = expires };
        }

        if (RateLimit.Read(body, (controls.RequestsPerMinute, controls.ImagesPerMinute), out var rate) is { } rateError)
        {
            return rateError;
        }

        if (SpendCap.Read(body, (controls.DailyCap, controls.MonthlyCap), out var cap) is { } capError)
        {
            return capError;
        }

        controls = controls with { RequestsPerMinute = (int?)rate.First, ImagesPerMinute = (int?)rate.Second, DailyCap = cap.First, MonthlyCap = cap.Second };
        return null;
    }
}
