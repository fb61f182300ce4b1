using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.Upstreams;

/// <summary>
/// A real HTTP server on loopback whose answer a test sets and changes (<see cref="Behave"/>): Gemini successes,
/// Google errors with retryDelay, slow answers, garbage. It counts calls, records each request and the peak of
/// calls in flight, so routing tests see what each channel really received.
/// </summary>
public sealed class ScriptedUpstream : IAsyncDisposable
{
    private static readonly byte[] Image = TestImages.Png(8, 8);
    private LoopbackServer _server = null!;
    private volatile Func<HttpContext, Task> _behaviour = Ok;
    private int _inFlight;
    private int _peak;
    private int _calls;

    public Uri BaseUrl => _server.BaseUrl;

    public int Calls => Volatile.Read(ref _calls);

    public int Peak => Volatile.Read(ref _peak);

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public static async Task<ScriptedUpstream> StartAsync(Func<HttpContext, Task>? behaviour = null)
    {
        var upstream = new ScriptedUpstream();
        if (behaviour is not null)
        {
            upstream._behaviour = behaviour;
        }

        upstream._server = await LoopbackServer.StartAsync(app => app.Run(upstream.HandleAsync));
        return upstream;
    }

    public void Behave(Func<HttpContext, Task> behaviour) => _behaviour = behaviour;

    public void ResetCounts()
    {
        Volatile.Write(ref _calls, 0);
        Requests.Clear();
    }

    /// <summary>A generateContent answer with one small PNG.</summary>
    public static Task Ok(HttpContext context) => Json(context, 200, GeminiImageBody());

    public static string GeminiImageBody() =>
        "{\"candidates\":[{\"content\":{\"role\":\"model\",\"parts\":[{\"inlineData\":{\"mimeType\":\"image/png\",\"data\":\"" + Convert.ToBase64String(Image)
        + "\"}}]},\"finishReason\":\"STOP\",\"index\":0}],\"usageMetadata\":{\"promptTokenCount\":5,\"candidatesTokenCount\":1290,\"totalTokenCount\":1295,\"candidatesTokensDetails\":[{\"modality\":\"IMAGE\",\"tokenCount\":1290}]}}";

    public static Task Status(HttpContext context, int status, string googleStatus = "INTERNAL") =>
        Json(context, status, $"{{\"error\":{{\"code\":{status},\"message\":\"scripted {status}\",\"status\":\"{googleStatus}\"}}}}");

    public static Task RateLimited(HttpContext context, string retryDelay, string quotaId = "GenerateRequestsPerMinutePerProjectPerModel") =>
        Json(context, 429, "{\"error\":{\"code\":429,\"message\":\"quota\",\"status\":\"RESOURCE_EXHAUSTED\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.QuotaFailure\",\"violations\":[{\"quotaId\":\""
            + quotaId + "\"}]},{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"" + retryDelay + "\"}]}}");

    public static Task Blocked(HttpContext context) =>
        Json(context, 200, "{\"candidates\":[{\"finishReason\":\"IMAGE_SAFETY\",\"finishMessage\":\"blocked\",\"index\":0}]}");

    public static Task Malformed(HttpContext context) => Json(context, 200, "{\"candidates\":[{\"content\":");

    public static async Task Json(HttpContext context, int status, string body)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private async Task HandleAsync(HttpContext context)
    {
        Interlocked.Increment(ref _calls);
        var now = Interlocked.Increment(ref _inFlight);
        int peak;
        while (now > (peak = Volatile.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, now, peak) != peak)
        {
        }

        try
        {
            context.Request.EnableBuffering();
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body, context.RequestAborted);
            context.Request.Body.Position = 0;
            Requests.Enqueue(new RecordedRequest(
                context.Request.Method,
                context.Request.Path + context.Request.QueryString,
                context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString()),
                body.ToArray()));
            await _behaviour(context);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }
}

/// <summary>One request a <see cref="ScriptedUpstream"/> received.</summary>
public sealed record RecordedRequest(string Method, string PathAndQuery, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string Text => Encoding.UTF8.GetString(Body);

    public string? Header(string name) => Headers.TryGetValue(name, out var v) ? v : null;
}
