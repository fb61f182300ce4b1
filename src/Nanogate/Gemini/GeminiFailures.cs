using System.Globalization;
using Nanogate.Upstreams.Channels;

namespace Nanogate.Gemini;

/// <summary>The one place where upstream failures become Gemini-dialect errors.</summary>
internal static class GeminiFailures
{
    /// <summary>The HTTP status, Google status and message for a failure.</summary>
    public static (int Http, string Status, string Message) Describe(UpstreamFailure failure) => failure.Kind switch
    {
        UpstreamFailureKind.RateLimited => (429, "RESOURCE_EXHAUSTED", $"The upstream is rate limited: {failure.Message} Retry later; no credits were charged."),
        UpstreamFailureKind.Unavailable => (503, "UNAVAILABLE", $"The upstream is unavailable: {failure.Message} Retry later; no credits were charged."),
        UpstreamFailureKind.Timeout => (504, "DEADLINE_EXCEEDED", $"The upstream did not answer in time: {failure.Message} No credits were charged."),
        UpstreamFailureKind.Malformed => (502, "INTERNAL", $"The upstream sent an invalid response: {failure.Message} No credits were charged."),
        UpstreamFailureKind.InvalidRequest or UpstreamFailureKind.Unsupported => (400, "INVALID_ARGUMENT", failure.Message),
        UpstreamFailureKind.Unauthorized => (502, "INTERNAL", "The upstream refused this gateway's credentials; an operator must fix the channel's API key. No credits were charged."),
        UpstreamFailureKind.ModelNotFound => (404, "NOT_FOUND", failure.Message),
        _ => (502, "INTERNAL", failure.Message),
    };

    /// <summary>The error result for a failure (with Retry-After for rate limits).</summary>
    public static IResult ToResult(UpstreamFailure failure)
    {
        var (http, status, message) = Describe(failure);
        var headers = failure.RetryAfter is { } retry
            ? new Dictionary<string, string> { ["Retry-After"] = Math.Max(1, (int)Math.Ceiling(retry.TotalSeconds)).ToString(CultureInfo.InvariantCulture) }
            : null;
        return GeminiError.Result(http, status, message, headers);
    }
}
