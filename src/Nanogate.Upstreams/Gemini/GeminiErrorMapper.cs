using System.Globalization;
using System.Net;
using System.Text.Json;
using Nanogate.Upstreams.Channels;

namespace Nanogate.Upstreams.Gemini;

/// <summary>Maps a non-200 answer (Google's google.rpc.Status error body) to an <see cref="UpstreamFailure"/>.</summary>
internal static class GeminiErrorMapper
{
    private const string RetryInfoType = "type.googleapis.com/google.rpc.RetryInfo";
    private const string QuotaFailureType = "type.googleapis.com/google.rpc.QuotaFailure";
    private static readonly TimeZoneInfo Pacific = FindPacific();

    /// <summary>Maps the status code and (possibly empty or non-JSON) body; never throws.</summary>
    public static UpstreamFailure Map(int statusCode, ReadOnlySpan<byte> body, TimeSpan? retryAfterHeader, Func<string, string> redact, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(redact);
        var error = Parse(body);
        var googleMessage = string.IsNullOrWhiteSpace(error.Message) ? null : redact(error.Message);
        var status = (int)statusCode;

        switch (status)
        {
            case (int)HttpStatusCode.TooManyRequests:
                return new UpstreamFailure(
                    UpstreamFailureKind.RateLimited,
                    googleMessage ?? "The upstream rate limit or quota was exceeded.",
                    // A per-day quota comes back at Google's daily reset (midnight Pacific), whatever retryDelay says.
                    error.PerDay ? UntilPacificMidnight(now) : error.RetryDelay ?? retryAfterHeader,
                    status);
            case (int)HttpStatusCode.GatewayTimeout:
                return new UpstreamFailure(UpstreamFailureKind.Timeout, googleMessage ?? "The upstream timed out (HTTP 504).", null, status);
            case (int)HttpStatusCode.Unauthorized or (int)HttpStatusCode.Forbidden:
                return new UpstreamFailure(
                    UpstreamFailureKind.Unauthorized,
                    googleMessage ?? $"The upstream refused the channel's credentials (HTTP {status}).",
                    null,
                    status);
            case (int)HttpStatusCode.NotFound:
                return new UpstreamFailure(UpstreamFailureKind.ModelNotFound, googleMessage ?? "The upstream does not know this model (HTTP 404).", null, status);
            case >= 400 and < 500:
                return new UpstreamFailure(UpstreamFailureKind.InvalidRequest, googleMessage ?? $"The upstream rejected the request (HTTP {status}).", null, status);
            default:
                // 500, 502, 503, other 5xx, and anything unexpected (1xx/3xx: redirects are not followed).
                return new UpstreamFailure(UpstreamFailureKind.Unavailable, googleMessage ?? $"The upstream is unavailable (HTTP {status}).", null, status);
        }
    }

    /// <summary>Parses Google's duration JSON ("34s", "1.5s", "0.250s").</summary>
    internal static TimeSpan? ParseDuration(string? value)
    {
        if (string.IsNullOrEmpty(value) || value[^1] != 's')
        {
            return null;
        }

        return double.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds)
            && seconds >= 0 && seconds < TimeSpan.MaxValue.TotalSeconds
            ? TimeSpan.FromSeconds(seconds)
            : null;
    }

    /// <summary>How long until the next midnight in Google's quota time zone (America/Los_Angeles).</summary>
    internal static TimeSpan UntilPacificMidnight(DateTimeOffset now)
    {
        var local = TimeZoneInfo.ConvertTime(now, Pacific);
        var midnight = new DateTimeOffset(local.Date.AddDays(1), Pacific.GetUtcOffset(local.Date.AddDays(1)));
        var wait = midnight - now;
        return wait > TimeSpan.Zero ? wait : TimeSpan.FromHours(1);
    }

    private static TimeZoneInfo FindPacific()
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles");
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return TimeZoneInfo.CreateCustomTimeZone("Pacific (fixed)", TimeSpan.FromHours(-8), "Pacific", "Pacific");
        }
    }

    private static (string? Message, TimeSpan? RetryDelay, bool PerDay) Parse(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return (null, null, false);
        }

        try
        {
            var reader = new Utf8JsonReader(body);
            // Error bodies are small and their shape is loose: a DOM is the simplest defensive reader here.
            using var document = JsonDocument.ParseValue(ref reader);
            var root = document.RootElement;
            // Some proxies answer with an array of one status object.
            if (root.ValueKind == JsonValueKind.Array && root.GetArrayLength() > 0)
            {
                root = root[0];
            }

            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("error", out var error) || error.ValueKind != JsonValueKind.Object)
            {
                return (null, null, false);
            }

            var perDay = false;
            string? message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            TimeSpan? retryDelay = null;
            if (error.TryGetProperty("details", out var details) && details.ValueKind == JsonValueKind.Array)
            {
                foreach (var detail in details.EnumerateArray())
                {
                    if (detail.ValueKind == JsonValueKind.Object
                        && detail.TryGetProperty("@type", out var type) && type.ValueKind == JsonValueKind.String
                        && type.ValueEquals(RetryInfoType)
                        && (detail.TryGetProperty("retryDelay", out var delay) || detail.TryGetProperty("retry_delay", out delay))
                        && delay.ValueKind == JsonValueKind.String)
                    {
                        retryDelay = ParseDuration(delay.GetString());
                    }
                    else if (detail.ValueKind == JsonValueKind.Object
                        && detail.TryGetProperty("@type", out var quotaType) && quotaType.ValueKind == JsonValueKind.String
                        && quotaType.ValueEquals(QuotaFailureType)
                        && detail.TryGetProperty("violations", out var violations) && violations.ValueKind == JsonValueKind.Array)
                    {
                        foreach (var violation in violations.EnumerateArray())
                        {
                            perDay |= violation.ValueKind == JsonValueKind.Object
                                && violation.TryGetProperty("quotaId", out var quotaId) && quotaId.ValueKind == JsonValueKind.String
                                && quotaId.GetString()!.Contains("PerDay", StringComparison.Ordinal);
                        }
                    }
                }
            }

            return (message, retryDelay, perDay);
        }
        catch (JsonException)
        {
            return (null, null, false);
        }
    }
}
