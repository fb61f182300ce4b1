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

        if (body.ContainsKey("rate_limit"))
        {
            if (body["rate_limit"] is null)
            {
                controls = controls with { RequestsPerMinute = null, ImagesPerMinute = null };
            }
            else if (body["rate_limit"] is not JsonObject limit)
            {
                return ApiError.Invalid("rate_limit must be an object {\"requests_per_minute\": n, \"images_per_minute\": n} (either may be null) or null.", "rate_limit");
            }
            else
            {
                foreach (var member in limit.Select(p => p.Key).Where(k => k is not ("requests_per_minute" or "images_per_minute")))
                {
                    return ApiError.Invalid($"rate_limit has no field {member}: use requests_per_minute and images_per_minute.", "rate_limit." + member);
                }

                if (ReadLimit(limit, "requests_per_minute", controls.RequestsPerMinute, out var rpm) is { } e1)
                {
                    return e1;
                }

                if (ReadLimit(limit, "images_per_minute", controls.ImagesPerMinute, out var ipm) is { } e2)
                {
                    return e2;
                }

                controls = controls with { RequestsPerMinute = rpm, ImagesPerMinute = ipm };
            }
        }

        if (body.ContainsKey("spend_cap"))
        {
            if (body["spend_cap"] is null)
            {
                controls = controls with { DailyCap = null, MonthlyCap = null };
            }
            else if (body["spend_cap"] is not JsonObject cap)
            {
                return ApiError.Invalid("spend_cap must be an object {\"daily\": credits, \"monthly\": credits} (either may be null) or null.", "spend_cap");
            }
            else
            {
                foreach (var member in cap.Select(p => p.Key).Where(k => k is not ("daily" or "monthly")))
                {
                    return ApiError.Invalid($"spend_cap has no field {member}: use daily and monthly.", "spend_cap." + member);
                }

                if (ReadCap(cap, "daily", controls.DailyCap, out var daily) is { } e1)
                {
                    return e1;
                }

                if (ReadCap(cap, "monthly", controls.MonthlyCap, out var monthly) is { } e2)
                {
                    return e2;
                }

                controls = controls with { DailyCap = daily, MonthlyCap = monthly };
            }
        }

        return null;
    }

    private static IResult? ReadLimit(JsonObject limit, string name, int? current, out int? value)
    {
        value = current;
        if (!limit.ContainsKey(name))
        {
            return null;
        }

        if (!JsonBody.TryGetInteger(limit, name, out var v, out var error))
        {
            return error;
        }

        if (v is < 1 or > MaxPerMinute)
        {
            return ApiError.Invalid($"rate_limit.{name} must be a whole number from 1 to {MaxPerMinute}, or null for no limit.", "rate_limit." + name);
        }

        value = (int?)v;
        return null;
    }

    private static IResult? ReadCap(JsonObject cap, string name, long? current, out long? value)
    {
        value = current;
        if (!cap.ContainsKey(name))
        {
            return null;
        }

        if (!JsonBody.TryGetInteger(cap, name, out var v, out var error))
        {
            return error;
        }

        if (v is < 1 or > ILedger.MaxBalance)
        {
            return ApiError.Invalid($"spend_cap.{name} must be a whole number of credits from 1 to {ILedger.MaxBalance}, or null for no cap.", "spend_cap." + name);
        }

        value = v;
        return null;
    }
}
