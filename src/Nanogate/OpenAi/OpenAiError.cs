using System.Globalization;
using Nanogate.Generation;

namespace Nanogate.OpenAi;

/// <summary>
/// The one place where the OpenAI dialect's errors are made: OpenAI's shape
/// <c>{"error":{"message","type","param","code"}}</c> with the status codes OpenAI uses, so the
/// official SDKs raise their own typed errors (AuthenticationError, BadRequestError, …).
/// </summary>
internal static class OpenAiError
{
    /// <summary>An error answer in OpenAI's shape.</summary>
    public static IResult Result(int httpStatus, string type, string? code, string message, string? param = null, IReadOnlyDictionary<string, string>? headers = null) =>
        new OpenAiErrorResult(httpStatus, new OpenAiErrorBody(new OpenAiErrorDetail(message, type, param, code)), headers);

    /// <summary>400 invalid_request_error naming the parameter to fix.</summary>
    public static IResult Invalid(string message, string? param = null, string? code = "invalid_value") =>
        Result(400, "invalid_request_error", code, message, param);

    /// <summary>401 invalid_api_key (only Bearer keys are accepted on this dialect).</summary>
    public static IResult InvalidApiKey(bool keyGiven) => Result(401, "invalid_request_error", "invalid_api_key", keyGiven
        ? "Incorrect API key provided. Pass a valid Nanogate API key as Authorization: Bearer sk-…."
        : "You didn't provide an API key. Pass your Nanogate API key in the Authorization header using Bearer auth (Authorization: Bearer sk-…).");

    /// <summary>404 model_not_found.</summary>
    public static IResult ModelNotFound(string model) => Result(404, "invalid_request_error", "model_not_found",
        $"The model `{model}` does not exist. GET /openai/v1/models lists the models this gateway serves.", "model");

    /// <summary>
    /// 429 insufficient_quota, as OpenAI answers an exhausted balance. <c>x-should-retry: false</c>
    /// tells the official SDKs not to retry a 429 that waiting cannot fix.
    /// </summary>
    public static IResult InsufficientQuota(long needed, long available) => Result(429, "insufficient_quota", "insufficient_quota",
        $"You exceeded your current quota: this request needs {needed} credits (n × the price per image, held up front and charged only for images made), and the account has {available} available. Top up the account and retry.",
        headers: new Dictionary<string, string> { ["x-should-retry"] = "false" });

    /// <summary>The answer when no image of a request was made: the first image's failure in OpenAI's terms.</summary>
    public static IResult FromFailure(ImageFailure failure)
    {
        Dictionary<string, string>? headers = null;
        if (failure.RetryAfter is { } retry)
        {
            headers = new Dictionary<string, string> { ["Retry-After"] = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture) };
        }

        const string NoCharge = " No credits were charged.";
        return failure.Kind switch
        {
            ImageFailureKind.RateLimited => Result(429, "requests", "rate_limit_exceeded", failure.Message + " Retry later." + NoCharge, headers: headers),
            ImageFailureKind.ContentBlocked => Result(400, "invalid_request_error", "content_policy_violation", failure.Message + NoCharge, "prompt"),
            ImageFailureKind.InvalidRequest => Result(400, "invalid_request_error", "invalid_value", failure.Message + NoCharge),
            ImageFailureKind.NoImage => Result(502, "server_error", "no_image", failure.Message + NoCharge),
            ImageFailureKind.UpstreamUnavailable => Result(503, "server_error", "upstream_unavailable", failure.Message + NoCharge, headers: headers),
            ImageFailureKind.Timeout => Result(504, "server_error", "timeout", failure.Message + NoCharge),
            ImageFailureKind.UpstreamError => Result(502, "server_error", "upstream_error", failure.Message + NoCharge),
            ImageFailureKind.StorageFull or ImageFailureKind.StorageUnavailable => Result(failure.Kind == ImageFailureKind.StorageFull ? 507 : 503, "server_error", failure.Kind.Code(), failure.Message,
                headers: new Dictionary<string, string> { ["Retry-After"] = Media.MediaStoreException.RetryAfterHeader }),
            _ => throw new ArgumentOutOfRangeException(nameof(failure), failure.Kind, "An image failure kind without an OpenAI error."),
        };
    }

    private static readonly System.Text.Json.Serialization.Metadata.JsonTypeInfo<OpenAiErrorBody> ErrorJson = (System.Text.Json.Serialization.Metadata.JsonTypeInfo<OpenAiErrorBody>)
        new System.Text.Json.JsonSerializerOptions
        {
            TypeInfoResolver = OpenAiErrorJsonContext.Default,
            PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower,
            Encoder = OpenAiImagesResult.Encoder,
        }.GetTypeInfo(typeof(OpenAiErrorBody));

    private sealed class OpenAiErrorResult(int httpStatus, OpenAiErrorBody body, IReadOnlyDictionary<string, string>? headers) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = httpStatus;
            Pipeline.ErrorHeaders.Apply(httpContext.Response, headers);

            return httpContext.Response.WriteAsJsonAsync(body, ErrorJson);
        }
    }
}
