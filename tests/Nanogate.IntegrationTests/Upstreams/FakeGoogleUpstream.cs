using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.Upstreams;

/// <summary>
/// A loopback stand-in for generativelanguage.googleapis.com: replays the recordings and serves
/// crafted faults. The model name in the path picks the scenario.
/// </summary>
public sealed class FakeGoogleUpstream : IAsyncLifetime
{
    public const int BigEventBytes = 3 * 1024 * 1024;

    private LoopbackServer? _app;

    /// <summary>The last request seen per model: path and query, x-goog-api-key, content type, body.</summary>
    public ConcurrentDictionary<string, (string PathAndQuery, string? ApiKey, string? ContentType, byte[] Body)> Requests { get; } = new();

    public Uri BaseUrl { get; private set; } = new("http://127.0.0.1:1");

    public async Task InitializeAsync()
    {
        _app = await LoopbackServer.StartAsync(app => app.Run(HandleAsync));
        BaseUrl = _app.BaseUrl;
    }

    public async Task DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        // /v1beta/models/{model}:{method}
        var path = context.Request.Path.Value ?? "";
        const string prefix = "/v1beta/models/";
        if (!path.StartsWith(prefix, StringComparison.Ordinal) || !path.Contains(':', StringComparison.Ordinal))
        {
            context.Response.StatusCode = 400;
            return;
        }

        var (model, method) = (path[prefix.Length..path.LastIndexOf(':')], path[(path.LastIndexOf(':') + 1)..]);
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        Requests[model] = (path + context.Request.QueryString, context.Request.Headers["x-goog-api-key"].FirstOrDefault(), context.Request.ContentType, body.ToArray());
        var stream = method == "streamGenerateContent";
        var response = context.Response;

        switch (model)
        {
            case "recorded-image" when !stream:
                {
                    var (status, segments) = GoogleRecordings.Response(GoogleRecordings.ImageResponse);
                    response.StatusCode = status;
                    response.ContentType = "application/json; charset=UTF-8";
                    response.ContentLength = segments[0].Length;
                    await response.Body.WriteAsync(segments[0], context.RequestAborted);
                    break;
                }

            case "recorded-image-chunked" when !stream:
                {
                    // No Content-Length: the channel has to grow its buffer.
                    var segment = GoogleRecordings.Response(GoogleRecordings.ImageResponse).Segments[0];
                    response.ContentType = "application/json; charset=UTF-8";
                    for (var offset = 0; offset < segment.Length; offset += 100_000)
                    {
                        await response.Body.WriteAsync(segment.AsMemory(offset, Math.Min(100_000, segment.Length - offset)), context.RequestAborted);
                        await response.Body.FlushAsync(context.RequestAborted);
                    }

                    break;
                }

            case "recorded-image" when stream:
                {
                    var (status, segments) = GoogleRecordings.Response(GoogleRecordings.ImageStream);
                    response.StatusCode = status;
                    response.ContentType = "text/event-stream";
                    foreach (var segment in segments)
                    {
                        await response.Body.WriteAsync("data: "u8.ToArray(), context.RequestAborted);
                        await response.Body.WriteAsync(segment, context.RequestAborted);
                        await response.Body.WriteAsync("\r\n\r\n"u8.ToArray(), context.RequestAborted);
                        await response.Body.FlushAsync(context.RequestAborted);
                    }

                    break;
                }

            case "big-event" when stream:
                {
                    response.ContentType = "text/event-stream";
                    await response.Body.WriteAsync(": warming up\n\n"u8.ToArray(), context.RequestAborted);
                    var json = BigEventJson();
                    await response.Body.WriteAsync("data: "u8.ToArray(), context.RequestAborted);
                    // Dribble it out so the event spans many reads.
                    for (var offset = 0; offset < json.Length; offset += 8192)
                    {
                        await response.Body.WriteAsync(json.AsMemory(offset, Math.Min(8192, json.Length - offset)), context.RequestAborted);
                        await response.Body.FlushAsync(context.RequestAborted);
                    }

                    await response.Body.WriteAsync("\n\n"u8.ToArray(), context.RequestAborted);
                    break;
                }

            case "stalls-after-one-event" when stream:
                {
                    response.ContentType = "text/event-stream";
                    await response.Body.WriteAsync("data: {\"candidates\":[{\"content\":{\"parts\":[{\"text\":\"A\"}]}}]}\r\n\r\n"u8.ToArray(), context.RequestAborted);
                    await response.Body.FlushAsync(context.RequestAborted);
                    await Task.Delay(Timeout.Infinite, context.RequestAborted);
                    break;
                }

            case "wrong-model-name":
                {
                    var (status, segments) = GoogleRecordings.Response(GoogleRecordings.WrongModel);
                    response.StatusCode = status;
                    response.ContentType = "application/json; charset=UTF-8";
                    await response.Body.WriteAsync(segments[0], context.RequestAborted);
                    break;
                }

            case "rate-limited":
                await WriteErrorAsync(response, 429, "RESOURCE_EXHAUSTED", "You exceeded your current quota, please check your plan and billing details.", """
                    ,"details":[{"@type":"type.googleapis.com/google.rpc.QuotaFailure","violations":[{"quotaMetric":"generativelanguage.googleapis.com/generate_content_free_tier_requests","quotaId":"GenerateRequestsPerMinutePerProjectPerModel-FreeTier"}]},
                      {"@type":"type.googleapis.com/google.rpc.Help","links":[{"description":"Learn more","url":"https://ai.google.dev/gemini-api/docs/rate-limits"}]},
                      {"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"34s"}]
                    """);
                break;

            case "rate-limited-fractional":
                await WriteErrorAsync(response, 429, "RESOURCE_EXHAUSTED", "Slow down.", ""","details":[{"@type":"type.googleapis.com/google.rpc.RetryInfo","retryDelay":"1.5s"}]""");
                break;

            case "rate-limited-header":
                response.Headers.RetryAfter = "7";
                await WriteErrorAsync(response, 429, "RESOURCE_EXHAUSTED", "Slow down.", "");
                break;

            case "internal":
                await WriteErrorAsync(response, 500, "INTERNAL", "An internal error has occurred.", "");
                break;

            case "bad-gateway":
                response.StatusCode = 502;
                response.ContentType = "text/html";
                await response.WriteAsync("<html><body>502 Bad Gateway</body></html>", context.RequestAborted);
                break;

            case "unavailable":
                await WriteErrorAsync(response, 503, "UNAVAILABLE", "The model is overloaded. Please try again later.", "");
                break;

            case "deadline":
                await WriteErrorAsync(response, 504, "DEADLINE_EXCEEDED", "Deadline expired before operation could complete.", "");
                break;

            case "invalid":
                await WriteErrorAsync(response, 400, "INVALID_ARGUMENT", "Invalid value at 'generation_config.image_config.image_size' (TYPE_STRING), \"9K\"", "");
                break;

            case "teapot":
                response.StatusCode = 418;
                break;

            case "denied":
                {
                    // Echo the key back, as a careless proxy might: the channel must not pass it on.
                    var key = context.Request.Headers["x-goog-api-key"].FirstOrDefault();
                    await WriteErrorAsync(response, 403, "PERMISSION_DENIED", $"API key {key} does not have permission.", "");
                    break;
                }

            case "truncated":
                {
                    var segment = GoogleRecordings.Response(GoogleRecordings.ImageResponse).Segments[0];
                    response.ContentType = "application/json";
                    await response.Body.WriteAsync(segment.AsMemory(0, segment.Length / 2), context.RequestAborted);
                    break;
                }

            case "array":
                response.ContentType = "application/json";
                await response.WriteAsync("[{\"candidates\":[]}]", context.RequestAborted);
                break;

            case "hangs":
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
                break;

            default:
                await WriteErrorAsync(response, 404, "NOT_FOUND", $"models/{model} is not found for API version v1beta.", "");
                break;
        }
    }

    /// <summary>A GenerateContentResponse of about 3 MB: one JPEG-ish inline image.</summary>
    public static byte[] BigEventJson()
    {
        var image = new byte[BigEventBytes * 3 / 4];
        new Random(42).NextBytes(image);
        image[0] = 0xFF;
        image[1] = 0xD8;
        image[2] = 0xFF;
        return Encoding.UTF8.GetBytes(
            "{\"candidates\":[{\"content\":{\"parts\":[{\"inlineData\":{\"mimeType\":\"image/jpeg\",\"data\":\"" + Convert.ToBase64String(image)
            + "\"}}]},\"finishReason\":\"STOP\"}],\"usageMetadata\":{\"promptTokenCount\":3,\"candidatesTokenCount\":1120,\"candidatesTokensDetails\":[{\"modality\":\"IMAGE\",\"tokenCount\":1120}]}}");
    }

    private static async Task WriteErrorAsync(HttpResponse response, int status, string statusName, string message, string extra)
    {
        response.StatusCode = status;
        response.ContentType = "application/json; charset=UTF-8";
        var escaped = System.Text.Json.JsonSerializer.Serialize(message);
        await response.WriteAsync("{\"error\":{\"code\":" + status + ",\"message\":" + escaped + ",\"status\":\"" + statusName + "\"" + extra + "}}");
    }
}
