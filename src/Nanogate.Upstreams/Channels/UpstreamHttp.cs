using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Nanogate.Core.Images;
using Nanogate.Upstreams.Gemini;

namespace Nanogate.Upstreams.Channels;

/// <summary>
/// The HTTP side shared by the kinds that do not speak Gemini: one <see cref="SocketsHttpHandler"/> per channel
/// (no redirects, no cookies, connect timeout, pooled connection lifetime), JSON bodies read with a cap, and
/// the mapping of their HTTP errors (OpenAI's and the seeds' <c>{"error":{…}}</c> shapes) to <see cref="UpstreamFailure"/>.
/// </summary>
internal sealed class UpstreamHttp : IDisposable
{
    /// <summary>Largest JSON answer read (an OpenAI b64_json answer of a 4K image is ~30 MB).</summary>
    public const int MaxJsonBytes = 64 * 1024 * 1024;

    private readonly SocketsHttpHandler _handler;

    public UpstreamHttp(TimeSpan connectTimeout)
    {
        _handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = connectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.All,
        };
        Client = new HttpClient(_handler, disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public HttpClient Client { get; }

    /// <summary>Reads a JSON answer (at most <see cref="MaxJsonBytes"/>); null when it is not JSON or too big.</summary>
    public static async Task<JsonDocument?> ReadJsonAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > MaxJsonBytes)
        {
            return null;
        }

        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            try
            {
                using var capped = new MemoryStream();
                var buffer = new byte[81920];
                int n;
                while ((n = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
                {
                    if (capped.Length + n > MaxJsonBytes)
                    {
                        return null;
                    }

                    capped.Write(buffer, 0, n);
                }

                return JsonDocument.Parse(capped.GetBuffer().AsMemory(0, (int)capped.Length));
            }
            catch (JsonException)
            {
                return null;
            }
        }
    }

    /// <summary>A non-2xx answer as a failure; <paramref name="redact"/> removes secrets from the upstream's message.</summary>
    public static async Task<UpstreamFailure> FailureAsync(HttpResponseMessage response, string channel, Func<string, string> redact, TimeProvider time, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        string? message = null;
        string? code = null;
        try
        {
            using var json = await ReadJsonAsync(response, cancellationToken).ConfigureAwait(false);
            if (json?.RootElement is { ValueKind: JsonValueKind.Object } root && root.TryGetProperty("error", out var error))
            {
                if (error.ValueKind == JsonValueKind.Object)
                {
                    message = error.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
                    code = error.TryGetProperty("code", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                }
                else if (error.ValueKind == JsonValueKind.String)
                {
                    message = error.GetString();
                }
            }
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            // The status is what matters.
        }

        var text = redact($"The upstream '{channel}' answered HTTP {status}" + (message is null ? "." : $": {message}"));
        var retryAfter = response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } => date - time.GetUtcNow() is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
            _ => (TimeSpan?)null,
        };
        return status switch
        {
            429 => new UpstreamFailure(UpstreamFailureKind.RateLimited, text, retryAfter, status),
            // Our account at the relay is refused or out of credit: another channel may still serve.
            401 or 402 or 403 => new UpstreamFailure(UpstreamFailureKind.Unauthorized, text, null, status),
            404 when code is "model_not_found" or null => new UpstreamFailure(UpstreamFailureKind.ModelNotFound, text, null, status),
            408 or 504 => new UpstreamFailure(UpstreamFailureKind.Timeout, text, null, status),
            409 => new UpstreamFailure(UpstreamFailureKind.Unavailable, text, retryAfter, status),
            >= 400 and < 500 => new UpstreamFailure(UpstreamFailureKind.InvalidRequest, text, null, status),
            _ => new UpstreamFailure(UpstreamFailureKind.Unavailable, text, retryAfter, status),
        };
    }

    /// <summary>Whether an error answer says the content was refused (a block, not a failure: answered as one).</summary>
    public static bool IsContentBlock(string? code) =>
        code is "content_policy_violation" or "moderation_blocked" or "content_blocked" or "content_filter" or "safety";

    /// <summary>A success holding one image (its type sniffed from the bytes); null when the bytes are not an image.</summary>
    public static UpstreamResponse? Image(string channel, byte[] data, string text, string? modelVersion)
    {
        if (!ImageSniffer.TryIdentify(data, out var info))
        {
            return null;
        }

        return UpstreamResponse.Synthesized(channel, new GeminiResponseSummary
        {
            FinalImage = new GeminiImage(info.MimeType, data),
            ImageCount = 1,
            FinishReason = "STOP",
            Text = text,
            ModelVersion = modelVersion,
        });
    }

    /// <summary>An answer without an image: blocked (finish reason IMAGE_SAFETY) or none made (NO_IMAGE).</summary>
    public static UpstreamResponse NoImage(string channel, bool blocked, string message) =>
        UpstreamResponse.Synthesized(channel, new GeminiResponseSummary
        {
            FinishReason = blocked ? "IMAGE_SAFETY" : "NO_IMAGE",
            FinishMessage = message,
        });

    /// <summary>A transport fault as a failure (never the caller's cancellation).</summary>
    public static UpstreamFailure Transport(string channel, Exception e, bool timedOut, TimeSpan timeout) =>
        e is OperationCanceledException || timedOut
            ? new UpstreamFailure(UpstreamFailureKind.Timeout, $"The upstream '{channel}' did not answer within {timeout.TotalSeconds:0.###} s.")
            : new UpstreamFailure(UpstreamFailureKind.Unavailable, $"Could not reach upstream '{channel}': {e.Message}");

    /// <summary>
    /// One upstream call of a kind that is not Gemini, within <paramref name="timeout"/>: the caller's own cancellation
    /// propagates, a transport fault (refused, reset, timed out) becomes a failure with secrets redacted, and every
    /// call is logged with its outcome and time.
    /// </summary>
    public static async Task<UpstreamResponse> CallAsync(
        string channel, UpstreamRequest request, TimeSpan timeout, Func<string, string> redact, ILogger logger,
        Func<CancellationToken, Task<UpstreamResponse>> call, CancellationToken cancellationToken)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        UpstreamResponse result;
        try
        {
            result = await call(limit.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (IsTransportFault(e))
        {
            var failure = Transport(channel, e, limit.IsCancellationRequested, timeout);
            result = UpstreamResponse.Failed(channel, failure with { Message = redact(failure.Message) });
        }

        var elapsed = (long)System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        UpstreamCallLog.Called(logger, channel, request.Model, request.RequestId, result.Failure?.Kind, elapsed);
        return result;
    }

    public static bool IsTransportFault(Exception e) =>
        e is HttpRequestException or IOException or OperationCanceledException or System.Net.Sockets.SocketException;

    public void Dispose()
    {
        Client.Dispose();
        _handler.Dispose();
    }
}
