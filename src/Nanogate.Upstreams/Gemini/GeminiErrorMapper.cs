using System.Globalization;
using System.Net;
using System.Text.Json;
using Nanogate.Upstreams.Channels;

namespace Nanogate.Upstreams.Gemini;

/// <summary>Maps a non-200 answer (Google's google.rpc.Status error body) to an <see cref="UpstreamFailure"/>.</summary>
internal static class GeminiErrorMapper
{
    private const string RetryInfoType = "type.googleapis.com/google.rpc.RetryInfo";

    /// <summary>Maps the status code and (possibly empty or non-JSON) body; never throws.</summary>
    public static UpstreamFailure Map(int statusCode, ReadOnlySpan<byte> body, TimeSpan? retryAfterHeader, string? apiKey)
    {
        var error = Parse(body);
        var googleMessage = Redact(error.Message, apiKey);
        var status = (int)statusCode;

        switch (status)
        {
            case (int)HttpStatusCode.TooManyRequests:
                return new UpstreamFailure(
                    UpstreamFailureKind.RateLimited,
                    googleMessage ?? "The upstream rate limit or quota was exceeded.",
                    error.RetryDelay ?? retryAfterHeader,
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

    private static string? Redact(string? message, string? apiKey)
    {
        if (string.IsNullOrWhiteSpace(message))
        {
            return null;
        }

        return string.IsNullOrEmpty(apiKey) ? message : message.Replace(apiKey, "[redacted]", StringComparison.Ordinal);
    }

    private static (string? Message, TimeSpan? RetryDelay) Parse(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return (null, null);
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
                return (null, null);
            }

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
                }
            }

            return (message, retryDelay);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
