using System.Globalization;
using Microsoft.Extensions.Options;
using Nanogate.Gemini;
using Nanogate.Hosting;
using Nanogate.OpenAi;

namespace Nanogate.Pipeline;

/// <summary>
/// The one table from an HTTP status to each dialect's error: what the framework answers for a route (401, 413,
/// an unreadable body, a status page, an unhandled exception) in the route's own wire shape. The dialects'
/// specific errors (a model not found, insufficient credits, an upstream failure) stay in their own folders.
/// </summary>
internal static class DialectErrors
{
    /// <summary>The code of a synchronous request refused by the concurrency bound (OpenAI's and Nanogate's shape).</summary>
    public const string ConcurrencyLimitCode = "concurrency_limit_exceeded";

    /// <summary>An error for <paramref name="status"/> in the dialect's shape.</summary>
    public static IResult Result(Dialect dialect, int status, string message, string? param = null, IReadOnlyDictionary<string, string>? headers = null) => dialect switch
    {
        Dialect.Gemini => GeminiError.Result(status, GoogleStatus(status), message, headers),
        Dialect.OpenAi => OpenAiError.Result(status, status >= 500 ? "server_error" : "invalid_request_error", OpenAiCode(status), message, param, headers),
        _ => ApiError.Result(status, NanogateCode(status), message, param, headers),
    };

    /// <summary>
    /// 507 (the media store is full) or 503 (it cannot be written) with a retryable code (<c>storage_full</c>,
    /// <c>storage_unavailable</c>; Google's <c>RESOURCE_EXHAUSTED</c>/<c>UNAVAILABLE</c>) and <c>Retry-After</c>.
    /// </summary>
    public static IResult StorageFailed(Dialect dialect, Media.MediaStoreException failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        var headers = new Dictionary<string, string> { ["Retry-After"] = Media.MediaStoreException.RetryAfterHeader };
        return dialect switch
        {
            Dialect.Gemini => GeminiError.StorageFailed(failure),
            Dialect.OpenAi => OpenAiError.Result(failure.HttpStatus, "server_error", failure.Code, failure.Message, headers: headers),
            _ => ApiError.Result(failure.HttpStatus, failure.Code, failure.Message, headers: headers),
        };
    }

    /// <summary>429 with <c>Retry-After</c>: an API key over its rate limit (Google's <c>RESOURCE_EXHAUSTED</c>, OpenAI's <c>rate_limit_exceeded</c>).</summary>
    public static IResult RateLimited(Dialect dialect, string message, TimeSpan retryAfter)
    {
        var headers = new Dictionary<string, string> { ["Retry-After"] = Auth.KeyRateLimits.RetryAfter(retryAfter) };
        return dialect switch
        {
            Dialect.Gemini => GeminiError.Result(429, "RESOURCE_EXHAUSTED", message, headers),
            Dialect.OpenAi => OpenAiError.Result(429, "requests", "rate_limit_exceeded", message, null, headers),
            _ => ApiError.Result(429, "rate_limited", message, null, headers),
        };
    }

    /// <summary>
    /// 429 with <c>Retry-After: Limits:SyncRetryAfterSeconds</c>: a synchronous generation refused by the concurrency
    /// bound (<see cref="SyncGenerationGate"/>) before its body was read or anything held. Google's
    /// <c>RESOURCE_EXHAUSTED</c>; OpenAI's rate-limit type <c>requests</c> with code <c>concurrency_limit_exceeded</c>
    /// (the SDKs raise <c>RateLimitError</c> and retry after the header); Nanogate's <c>concurrency_limit_exceeded</c>.
    /// </summary>
    public static IResult SyncBusy(Dialect dialect, SyncRefusal refusal, LimitsOptions limits)
    {
        ArgumentNullException.ThrowIfNull(limits);
        var message = refusal switch
        {
            SyncRefusal.AccountBusy => string.Create(CultureInfo.InvariantCulture,
                $"Too many synchronous generations at once: this account already has {limits.MaxSyncGenerationsPerAccount} in progress on this server, the most one account may have (Limits:MaxSyncGenerationsPerAccount). Retry after the Retry-After delay; for many images at once, submit tasks (POST /v1/images/generations), which queue instead."),
            SyncRefusal.ServerBusy => limits.SyncQueueLength > 0
                ? string.Create(CultureInfo.InvariantCulture,
                    $"The server is at capacity: all {limits.MaxSyncGenerations} synchronous generation slots are busy and {limits.SyncQueueLength} requests are already waiting for one (Limits:MaxSyncGenerations, Limits:SyncQueueLength). Retry after the Retry-After delay.")
                : string.Create(CultureInfo.InvariantCulture,
                    $"The server is at capacity: all {limits.MaxSyncGenerations} synchronous generation slots are busy (Limits:MaxSyncGenerations). Retry after the Retry-After delay."),
            SyncRefusal.QueueTimedOut => string.Create(CultureInfo.InvariantCulture,
                $"The server is at capacity: this request waited {limits.SyncQueueSeconds} s (Limits:SyncQueueSeconds) and none of the {limits.MaxSyncGenerations} synchronous generation slots came free. Retry after the Retry-After delay."),
            _ => throw new ArgumentOutOfRangeException(nameof(refusal), refusal, "A refusal without a message."),
        } + " Nothing was held or charged.";
        var headers = new Dictionary<string, string> { ["Retry-After"] = limits.SyncRetryAfterSeconds.ToString(CultureInfo.InvariantCulture) };
        return dialect switch
        {
            Dialect.Gemini => GeminiError.Result(429, "RESOURCE_EXHAUSTED", message, headers),
            Dialect.OpenAi => OpenAiError.Result(429, "requests", ConcurrencyLimitCode, message, null, headers),
            _ => ApiError.Result(429, ConcurrencyLimitCode, message, null, headers),
        };
    }

    /// <summary>402: a hold refused by the API key's daily or monthly spending cap (the message names the cap and the period).</summary>
    public static IResult SpendCapExceeded(Dialect dialect, string message) => dialect switch
    {
        Dialect.Gemini => GeminiError.Result(402, "FAILED_PRECONDITION", message),
        Dialect.OpenAi => OpenAiError.Result(402, "insufficient_quota", "spend_cap_exceeded", message),
        _ => ApiError.Result(402, "spend_cap_exceeded", message),
    };

    /// <summary>400: a request the caller must fix.</summary>
    public static IResult Invalid(Dialect dialect, string message, string? param = null) => Result(dialect, 400, message, param);

    /// <summary>400 for a body that is not JSON, worded as the dialect's own server words it.</summary>
    public static IResult InvalidJson(Dialect dialect, string detail) => Invalid(dialect, dialect switch
    {
        Dialect.Gemini => $"Invalid JSON payload received. {detail}",
        Dialect.OpenAi => $"We could not parse the JSON body of your request: {detail}",
        _ => $"The request body is not valid JSON: {detail}",
    });

    /// <summary>401: no key, or a key this route does not take.</summary>
    public static IResult Unauthenticated(Dialect dialect, bool keyGiven) => dialect switch
    {
        Dialect.Gemini => GeminiError.Unauthenticated(keyGiven),
        Dialect.OpenAi => OpenAiError.InvalidApiKey(keyGiven),
        _ => ApiError.Unauthenticated(keyGiven),
    };

    /// <summary>403: a live key whose account the operator disabled (the key itself is fine; the account is not).</summary>
    public static IResult AccountDisabled(Dialect dialect, string accountId)
    {
        var message = $"The account {accountId} of this API key is disabled by the operator of this Nanogate; requests are refused until it is enabled again. Contact the operator.";
        return dialect switch
        {
            Dialect.Gemini => GeminiError.Result(403, "PERMISSION_DENIED", message, null),
            Dialect.OpenAi => OpenAiError.Result(403, "invalid_request_error", "account_disabled", message, null, null),
            _ => ApiError.Result(403, "account_disabled", message, null, null),
        };
    }

    /// <summary>413: the body is over <c>Limits:MaxRequestBodyMB</c>.</summary>
    public static IResult TooLarge(HttpContext context, Dialect dialect)
    {
        var limit = context.RequestServices.GetRequiredService<IOptions<LimitsOptions>>().Value.MaxRequestBodyMB;
        return Result(dialect, StatusCodes.Status413PayloadTooLarge,
            string.Create(CultureInfo.InvariantCulture, $"Request body too large: the limit is {limit} MB (Limits:MaxRequestBodyMB). Send each image as at most 10 MB, or pass images by URL."));
    }

    private static string NanogateCode(int status) => status switch
    {
        401 => "unauthenticated",
        404 => "not_found",
        405 => "method_not_allowed",
        413 => "request_too_large",
        415 => "unsupported_media_type",
        >= 500 => "internal_error",
        _ => "invalid_request",
    };

    private static string GoogleStatus(int status) => status switch
    {
        401 => "UNAUTHENTICATED",
        403 => "PERMISSION_DENIED",
        404 or 405 => "NOT_FOUND",
        >= 500 => "INTERNAL",
        _ => "INVALID_ARGUMENT",
    };

    private static string? OpenAiCode(int status) => status switch
    {
        401 => "invalid_api_key",
        404 => "not_found",
        413 => "request_too_large",
        >= 500 => "internal_error",
        _ => null,
    };
}
