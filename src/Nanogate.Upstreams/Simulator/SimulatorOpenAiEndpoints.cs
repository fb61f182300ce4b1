using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nanogate.Core.Catalog;

namespace Nanogate.Upstreams.Simulator;

/// <summary>
/// An OpenAI Images surface of the simulator, for the <c>openai-images</c> kind: <c>POST
/// /simulator/openai/v1/images/generations</c> (JSON) and <c>/edits</c> (multipart), Bearer key required. Same
/// deterministic images and the same <c>[sim:KIND]</c> markers as the Gemini surface, answered the OpenAI way:
/// 429 <c>rate_limit_exceeded</c> with Retry-After, 500/503 <c>server_error</c>, <c>timeout</c> never answers,
/// <c>malformed</c> a cut body, <c>blocked</c> 400 <c>content_policy_violation</c>, <c>noimage</c> an empty
/// <c>data</c>. <c>response_format: url</c> answers a <c>/simulator/render</c> link.
/// </summary>
internal static class SimulatorOpenAiEndpoints
{
    public static async Task HandleAsync(HttpContext context)
    {
        var response = context.Response;
        response.Headers[SimulatorEndpoints.SimulatorHeader] = "true";
        var ct = context.RequestAborted;
        try
        {
            await HandleCoreAsync(context, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // The client gave up.
        }
    }

    private static async Task HandleCoreAsync(HttpContext context, CancellationToken ct)
    {
        var request = context.Request;
        var options = context.RequestServices.GetService<IOptionsMonitor<SimulatorOptions>>()?.CurrentValue ?? new SimulatorOptions();
        if (!request.Headers.Authorization.ToString().StartsWith("Bearer ", StringComparison.Ordinal))
        {
            await ErrorAsync(context.Response, 401, "invalid_api_key", "invalid_request_error", "Missing bearer authentication in header (simulated).", ct);
            return;
        }

        string? model, prompt, size, ratio, resolution, format;
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(ct);
            (model, prompt, size, ratio, resolution, format) = (form["model"], form["prompt"], form["size"], form["aspect_ratio"], form["resolution"], form["response_format"]);
            if (form.Files.Count == 0)
            {
                await ErrorAsync(context.Response, 400, "missing_image", "invalid_request_error", "An edit needs at least one image (simulated).", ct);
                return;
            }
        }
        else
        {
            try
            {
                using var json = await JsonDocument.ParseAsync(request.Body, default, ct);
                var root = json.RootElement;
                (model, prompt, size, ratio, resolution, format) = (Text(root, "model"), Text(root, "prompt"), Text(root, "size"), Text(root, "aspect_ratio"), Text(root, "resolution"), Text(root, "response_format"));
            }
            catch (JsonException)
            {
                await ErrorAsync(context.Response, 400, "invalid_json", "invalid_request_error", "The body is not JSON (simulated).", ct);
                return;
            }
        }

        if (ModelCatalog.Default.Find(model ?? "") is not { } info)
        {
            await ErrorAsync(context.Response, 404, "model_not_found", "invalid_request_error", $"The model '{model}' does not exist (simulated).", ct);
            return;
        }

        if (string.IsNullOrWhiteSpace(prompt))
        {
            await ErrorAsync(context.Response, 400, "missing_prompt", "invalid_request_error", "prompt is required (simulated).", ct);
            return;
        }

        var parsed = SimulatorMarkers.Parse(prompt);
        var fault = parsed.FaultForThisCall(prompt);
        var latency = TimeSpan.FromMilliseconds(options.LatencyMs + (long)parsed.ExtraLatencyMs);
        switch (fault)
        {
            case SimulatorFault.RateLimited:
                context.Response.Headers.RetryAfter = "1";
                await ErrorAsync(context.Response, 429, "rate_limit_exceeded", "requests", "Rate limit reached (simulated).", ct);
                return;
            case SimulatorFault.Internal or SimulatorFault.Unavailable:
                await Task.Delay(latency, ct);
                await ErrorAsync(context.Response, fault == SimulatorFault.Internal ? 500 : 503, "server_error", "server_error", "The server had an error while processing your request (simulated).", ct);
                return;
            case SimulatorFault.Timeout:
                await Task.Delay(TimeSpan.FromMinutes(10), ct);
                return;
            case SimulatorFault.Malformed:
                await Task.Delay(latency, ct);
                context.Response.ContentType = "application/json";
                await context.Response.Body.WriteAsync("{\"created\":1,\"data\":[{\"b64_json\":\"iVBORw0KGgo"u8.ToArray(), ct);
                return;
            case SimulatorFault.Blocked:
                await Task.Delay(latency, ct);
                await ErrorAsync(context.Response, 400, "content_policy_violation", "invalid_request_error", "Your request was rejected as a result of our safety system (simulated).", ct);
                return;
        }

        await Task.Delay(latency, ct);
        var (r, s) = SimulatorShape.Read(info, size, ratio, resolution);
        context.Response.ContentType = "application/json";
        var created = context.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow().ToUnixTimeSeconds();
        if (fault == SimulatorFault.NoImage)
        {
            await context.Response.WriteAsync($"{{\"created\":{created},\"data\":[]}}", ct);
            return;
        }

        var image = SimulatedImageRenderer.Shared.GetOrRender(prompt, info, r, s);
        var output = context.Response.BodyWriter;
        output.Write(Encoding.UTF8.GetBytes($"{{\"created\":{created},\"data\":[{{"));
        if (format == "url")
        {
            output.Write(Encoding.UTF8.GetBytes($"\"url\":{JsonSerializer.Serialize(SimulatorShape.Link(prompt, info, r, s), SimulatorJsonContext.Default.String)}"));
        }
        else
        {
            output.Write("\"b64_json\":\""u8);
            output.Write(image.Base64Utf8);
            output.Write("\""u8);
        }

        output.Write(Encoding.UTF8.GetBytes($",\"revised_prompt\":{JsonSerializer.Serialize(prompt, SimulatorJsonContext.Default.String)}}}],\"usage\":{{\"input_tokens\":{SimulatedUsage.TextTokens(prompt)},\"output_tokens\":{info.TokensPerImage[info.EffectiveSize(s)]}}}}}"));
        await output.FlushAsync(ct);
    }

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static async Task ErrorAsync(HttpResponse response, int status, string code, string type, string message, CancellationToken ct)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        await response.WriteAsync(
            $"{{\"error\":{{\"message\":{JsonSerializer.Serialize(message, SimulatorJsonContext.Default.String)},\"type\":\"{type}\",\"param\":null,\"code\":\"{code}\"}}}}", ct);
    }
}
