using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nanogate.Core.Catalog;

namespace Nanogate.Upstreams.Simulator;

/// <summary>
/// A seed-shaped task surface of the simulator, for the <c>task-relay</c> kind: <c>POST
/// /simulator/tasks/v1/images/generations</c> answers 202 <c>{task_id, status, poll_url}</c>; <c>GET
/// /simulator/tasks/v1/tasks/{id}</c> says <c>running</c> until the simulated latency has passed, then
/// <c>succeeded</c> with an image link (or <c>failed</c> with an error code). Bearer key required. Markers:
/// <c>429</c>/<c>500</c>/<c>503</c> refuse the submit, <c>timeout</c> never finishes, <c>malformed</c> answers a cut
/// status body, <c>blocked</c> fails with <c>content_blocked</c>, <c>noimage</c> with <c>no_image</c>.
/// Tasks live in memory (this process; at most 10,000, then forgotten).
/// </summary>
internal static class SimulatorTaskEndpoints
{
    private static readonly ConcurrentDictionary<string, SimulatedTask> Tasks = new(StringComparer.Ordinal);

    public static async Task SubmitAsync(HttpContext context)
    {
        var ct = context.RequestAborted;
        var response = context.Response;
        response.Headers[SimulatorEndpoints.SimulatorHeader] = "true";
        if (!Authorized(context.Request))
        {
            await ErrorAsync(response, 401, "unauthenticated", "Missing bearer key (simulated).", ct);
            return;
        }

        string? model, prompt, size, ratio, resolution;
        try
        {
            using var json = await JsonDocument.ParseAsync(context.Request.Body, default, ct);
            var root = json.RootElement;
            (model, prompt, size, ratio, resolution) = (Text(root, "model"), Text(root, "prompt"), Text(root, "size"), Text(root, "aspect_ratio"), Text(root, "resolution"));
        }
        catch (JsonException)
        {
            await ErrorAsync(response, 400, "invalid_request", "The body is not JSON (simulated).", ct);
            return;
        }

        if (ModelCatalog.Default.Find(model ?? "") is not { } info || string.IsNullOrWhiteSpace(prompt))
        {
            await ErrorAsync(response, 400, "invalid_request", "model (a catalog id) and prompt are required (simulated).", ct);
            return;
        }

        var options = context.RequestServices.GetService<IOptionsMonitor<SimulatorOptions>>()?.CurrentValue ?? new SimulatorOptions();
        var time = context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        var parsed = SimulatorMarkers.Parse(prompt);
        var fault = parsed.FaultForThisCall(prompt);
        switch (fault)
        {
            case SimulatorFault.RateLimited:
                response.Headers.RetryAfter = "1";
                await ErrorAsync(response, 429, "rate_limited", "Too many requests (simulated).", ct);
                return;
            case SimulatorFault.Internal or SimulatorFault.Unavailable:
                await ErrorAsync(response, fault == SimulatorFault.Internal ? 500 : 503, "upstream_unavailable", "The platform is unavailable (simulated).", ct);
                return;
        }

        if (Tasks.Count > 10_000)
        {
            Tasks.Clear();
        }

        var (r, s) = SimulatorShape.Read(info, size, ratio, resolution);
        var id = "simtask_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));
        Tasks[id] = new SimulatedTask(id, prompt, info, r, s, fault, time.GetUtcNow().AddMilliseconds(options.LatencyMs + (long)parsed.ExtraLatencyMs));
        response.StatusCode = 202;
        response.ContentType = "application/json";
        await response.WriteAsync($"{{\"task_id\":\"{id}\",\"status\":\"pending\",\"poll_url\":\"/simulator/tasks/v1/tasks/{id}\",\"request_id\":\"req_{id[8..]}\"}}", ct);
    }

    public static async Task PollAsync(HttpContext context, string id)
    {
        var ct = context.RequestAborted;
        var response = context.Response;
        response.Headers[SimulatorEndpoints.SimulatorHeader] = "true";
        if (!Authorized(context.Request))
        {
            await ErrorAsync(response, 401, "unauthenticated", "Missing bearer key (simulated).", ct);
            return;
        }

        if (!Tasks.TryGetValue(id, out var task))
        {
            await ErrorAsync(response, 404, "not_found", $"No task {id} (simulated).", ct);
            return;
        }

        response.ContentType = "application/json";
        var time = context.RequestServices.GetService<TimeProvider>() ?? TimeProvider.System;
        if (task.Fault == SimulatorFault.Malformed)
        {
            await response.WriteAsync("{\"task_id\":\"" + id + "\",\"status\":\"succ", ct);
            return;
        }

        if (task.Fault == SimulatorFault.Timeout || time.GetUtcNow() < task.Due)
        {
            await response.WriteAsync($"{{\"task_id\":\"{id}\",\"status\":\"running\"}}", ct);
            return;
        }

        var body = task.Fault switch
        {
            SimulatorFault.Blocked => $"{{\"task_id\":\"{id}\",\"status\":\"failed\",\"images\":[],\"error\":{{\"code\":\"content_blocked\",\"message\":\"The image was blocked by the safety filters (simulated).\"}}}}",
            SimulatorFault.NoImage => $"{{\"task_id\":\"{id}\",\"status\":\"failed\",\"images\":[],\"error\":{{\"code\":\"no_image\",\"message\":\"The model answered without an image (simulated).\"}}}}",
            _ => $"{{\"task_id\":\"{id}\",\"status\":\"succeeded\",\"model\":\"{task.Model.Id}\",\"images\":[{{\"index\":0,\"status\":\"succeeded\",\"url\":{JsonSerializer.Serialize(SimulatorShape.Link(task.Prompt, task.Model, task.Ratio, task.Size), SimulatorJsonContext.Default.String)},\"mime_type\":\"image/png\"}}],\"error\":null}}",
        };
        await response.WriteAsync(body, ct);
    }

    private static bool Authorized(HttpRequest request) => request.Headers.Authorization.ToString() is { Length: > 7 } auth && auth.StartsWith("Bearer ", StringComparison.Ordinal);

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static async Task ErrorAsync(HttpResponse response, int status, string code, string message, CancellationToken ct)
    {
        response.StatusCode = status;
        response.ContentType = "application/json";
        await response.WriteAsync($"{{\"error\":{{\"code\":\"{code}\",\"message\":{JsonSerializer.Serialize(message, SimulatorJsonContext.Default.String)}}}}}", ct);
    }
}
