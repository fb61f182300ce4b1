using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Nanogate.Bench;

/// <summary>
/// A Standard Webhooks receiver on loopback (Kestrel): records when each task's notification arrived,
/// its type and status, and whether it carried the webhook-id/-timestamp/-signature headers
/// (present and shaped `v1,…`; not verified cryptographically here).
/// </summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private ConcurrentDictionary<string, Hook> _hooks = new(StringComparer.Ordinal);
    private long _received;
    private long _unsigned;
    private long _duplicates;
    private int _expected = int.MaxValue;
    private TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private WebhookReceiver(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public long Received => Interlocked.Read(ref _received);

    public long Unsigned => Interlocked.Read(ref _unsigned);

    public long Duplicates => Interlocked.Read(ref _duplicates);

    public IReadOnlyDictionary<string, Hook> Hooks => _hooks;

    public static async Task<WebhookReceiver> StartAsync()
    {
        var port = Ports.Free();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, port));
        var app = builder.Build();
        var receiver = new WebhookReceiver(app, new Uri($"http://127.0.0.1:{port}/hook"));
        app.MapPost("/hook", receiver.HandleAsync);
        await app.StartAsync().ConfigureAwait(false);
        return receiver;
    }

    /// <summary>Forgets what arrived so far and completes <see cref="WaitAsync"/> once <paramref name="expected"/> distinct tasks were notified.</summary>
    public void Reset(int expected)
    {
        _hooks = new ConcurrentDictionary<string, Hook>(StringComparer.Ordinal);
        Interlocked.Exchange(ref _received, 0);
        Interlocked.Exchange(ref _unsigned, 0);
        Interlocked.Exchange(ref _duplicates, 0);
        _all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Volatile.Write(ref _expected, expected);
    }

    /// <summary>Lowers the expected count (some submits failed) without forgetting what arrived.</summary>
    public void Expect(int expected)
    {
        Volatile.Write(ref _expected, expected);
        if (_hooks.Count >= expected)
        {
            _all.TrySetResult();
        }
    }

    /// <summary>True when all expected notifications arrived before the timeout.</summary>
    public async Task<bool> WaitAsync(TimeSpan timeout)
    {
        try
        {
            await _all.Task.WaitAsync(timeout).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private async Task HandleAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        var now = Stopwatch.GetTimestamp();
        var headers = context.Request.Headers;
        var signed = headers["webhook-id"].ToString().StartsWith("msg_", StringComparison.Ordinal)
            && headers["webhook-timestamp"].ToString().Length > 0
            && headers["webhook-signature"].ToString().StartsWith("v1,", StringComparison.Ordinal);
        string? id = null, type = null, status = null;
        try
        {
            using var doc = JsonDocument.Parse(buffer.GetBuffer().AsMemory(0, (int)buffer.Length));
            type = doc.RootElement.GetProperty("type").GetString();
            var data = doc.RootElement.GetProperty("data");
            id = (data.TryGetProperty("task_id", out var taskId) ? taskId : data.GetProperty("id")).GetString();
            status = data.GetProperty("status").GetString();
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
        }

        Interlocked.Increment(ref _received);
        if (!signed)
        {
            Interlocked.Increment(ref _unsigned);
        }

        var hooks = _hooks;
        if (id is null || !hooks.TryAdd(id, new Hook(now, type ?? "?", status ?? "?", signed)))
        {
            Interlocked.Increment(ref _duplicates);
        }
        else if (hooks.Count >= Volatile.Read(ref _expected))
        {
            _all.TrySetResult();
        }

        context.Response.StatusCode = StatusCodes.Status204NoContent;
    }

    internal sealed record Hook(long Timestamp, string Type, string Status, bool Signed);
}

/// <summary>The outcome of a batch of tasks submitted with a callback_url and waited for.</summary>
internal sealed record TaskBatch(
    string Scenario,
    int Tasks,
    int ClientConcurrency,
    string GatewaySettings,
    int SubmitErrors,
    string? FirstSubmitError,
    double SubmitSeconds,
    double TotalSeconds,
    bool Completed,
    long Webhooks,
    long Succeeded,
    long Unsigned,
    long Duplicates,
    double ImagesPerSecond,
    double SubmitP50Ms,
    double SubmitP99Ms,
    double EndToEndP50Ms,
    double EndToEndP99Ms,
    double EndToEndMaxMs,
    long PeakRssKb,
    string NotTerminal,
    double GatewayCpuSeconds,
    double UpstreamCpuSeconds,
    double HarnessCpuSeconds)
{
    /// <summary>
    /// Bytes the gateway processes allocated per succeeded image over the whole batch (submits, work, webhooks), in KB;
    /// null when a process's <c>/metrics</c> could not be read.
    /// </summary>
    public double? AllocatedKbPerImage { get; init; }

    /// <summary>sqlite, postgres (one process) or postgres×2 (two processes behind nginx, one database).</summary>
    public string Storage { get; init; } = "sqlite";

    /// <summary>The database work of the batch (PostgreSQL only).</summary>
    public DbWork? Database { get; init; }
}

/// <summary>The task API scenarios (Dialect 1: POST /v1/images/generations → 202, webhooks on completion).</summary>
internal static class TaskScenarios
{
    public const string TaskModel = "nano-banana-2-lite";

    public static RequestSpec SubmitSpec(Uri gateway, string prompt, Uri? callback)
    {
        var body = callback is null
            ? $$"""{"model":"{{TaskModel}}","prompt":"{{prompt}}","n":1}"""
            : $$"""{"model":"{{TaskModel}}","prompt":"{{prompt}}","n":1,"callback_url":"{{callback}}"}""";
        return new RequestSpec(HttpMethod.Post, new Uri(gateway, "v1/images/generations"), Encoding.UTF8.GetBytes(body),
            [new("Authorization", "Bearer " + Systems.GatewayKey)], 202);
    }

    /// <summary>
    /// Submits <paramref name="count"/> tasks with <paramref name="concurrency"/> client workers as fast as
    /// they are accepted, then waits for one webhook per task. Images/s = tasks ÷ (first submit → last webhook).
    /// </summary>
    public static async Task<TaskBatch> RunBatchAsync(
        string scenario,
        Uri gateway,
        IReadOnlyList<int> gatewayPids,
        IReadOnlyList<Uri> gatewayMetrics,
        int upstreamPid,
        WebhookReceiver receiver,
        string prompt,
        int count,
        int concurrency,
        TimeSpan timeout,
        string settings)
    {
        receiver.Reset(count);
        var spec = SubmitSpec(gateway, prompt, receiver.Url);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = concurrency, UseProxy = false, UseCookies = false };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(60) };
        var submitted = new ConcurrentDictionary<string, long>(StringComparer.Ordinal);
        var submitLatencies = new ConcurrentBag<long>();
        var errors = 0;
        string? firstError = null;
        var next = -1;
        // Several gateway processes (behind nginx): CPU summed, peak RSS = sum of each process's peak.
        var samplers = ProcMemory.Available ? gatewayPids.Select(p => new RssSampler(p)).ToArray() : [];
        var allocatedBefore = await LoadGenerator.SumMetricAsync(client, gatewayMetrics, LoadGenerator.AllocatedBytes).ConfigureAwait(false);
        var cpu = (Gateway: gatewayPids.Sum(ProcCpu.Seconds), Upstream: ProcCpu.Seconds(upstreamPid), Harness: Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);
        var start = Stopwatch.GetTimestamp();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            while (Interlocked.Increment(ref next) < count)
            {
                var began = Stopwatch.GetTimestamp();
                try
                {
                    using var request = spec.Create();
                    using var response = await client.SendAsync(request).ConfigureAwait(false);
                    var body = await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false);
                    var done = Stopwatch.GetTimestamp();
                    if ((int)response.StatusCode != 202)
                    {
                        Interlocked.Increment(ref errors);
                        Interlocked.CompareExchange(ref firstError, $"HTTP {(int)response.StatusCode}: {Probe.Squash(Encoding.UTF8.GetString(body), 200)}", null);
                        continue;
                    }

                    using var doc = JsonDocument.Parse(body);
                    submitted[doc.RootElement.GetProperty("task_id").GetString()!] = began;
                    submitLatencies.Add(done - began);
                }
                catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or JsonException or KeyNotFoundException)
                {
                    Interlocked.Increment(ref errors);
                    Interlocked.CompareExchange(ref firstError, e.GetType().Name + ": " + e.Message, null);
                }
            }
        })).ToArray();
        await Task.WhenAll(workers).ConfigureAwait(false);
        var submitEnd = Stopwatch.GetTimestamp();
        receiver.Expect(submitted.Count);
        var completed = await receiver.WaitAsync(timeout).ConfigureAwait(false);
        var cpuAfter = (Gateway: gatewayPids.Sum(ProcCpu.Seconds), Upstream: ProcCpu.Seconds(upstreamPid), Harness: Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds);
        var allocatedAfter = await LoadGenerator.SumMetricAsync(client, gatewayMetrics, LoadGenerator.AllocatedBytes).ConfigureAwait(false);
        long peak = 0;
        foreach (var sampler in samplers)
        {
            await sampler.DisposeAsync().ConfigureAwait(false);
            peak += sampler.PeakKb;
        }

        var hooks = receiver.Hooks;
        var e2e = new List<long>();
        long last = start;
        foreach (var (id, began) in submitted)
        {
            if (hooks.TryGetValue(id, out var hook))
            {
                e2e.Add(hook.Timestamp - began);
                last = Math.Max(last, hook.Timestamp);
            }
        }

        var notTerminal = completed ? "" : await DescribeUnfinishedAsync(client, gateway).ConfigureAwait(false);
        var total = Stopwatch.GetElapsedTime(start, completed ? last : Stopwatch.GetTimestamp()).TotalSeconds;
        var succeeded = hooks.Values.LongCount(h => h.Type == "task.succeeded" && h.Status == "succeeded");
        var sortedSubmit = submitLatencies.Order().ToArray();
        e2e.Sort();
        return new TaskBatch(
            scenario,
            count,
            concurrency,
            settings,
            errors,
            firstError,
            Math.Round(Stopwatch.GetElapsedTime(start, submitEnd).TotalSeconds, 3),
            Math.Round(total, 3),
            completed,
            receiver.Received,
            succeeded,
            receiver.Unsigned,
            receiver.Duplicates,
            Math.Round(succeeded / total, 1),
            Ms(Percentile(sortedSubmit, 0.50)),
            Ms(Percentile(sortedSubmit, 0.99)),
            Ms(Percentile(e2e, 0.50)),
            Ms(Percentile(e2e, 0.99)),
            Ms(e2e.Count == 0 ? 0 : e2e[^1]),
            peak,
            notTerminal,
            Math.Round(cpuAfter.Gateway - cpu.Gateway, 2),
            Math.Round(cpuAfter.Upstream - cpu.Upstream, 2),
            Math.Round(cpuAfter.Harness - cpu.Harness, 2))
        {
            AllocatedKbPerImage = allocatedBefore is { } a0 && allocatedAfter is { } a1 && succeeded > 0 ? Math.Round((a1 - a0) / 1024.0 / succeeded, 1) : null,
        };
    }

    /// <summary>How many tasks per non-terminal status GET /v1/tasks still lists (pages of 100, capped).</summary>
    private static async Task<string> DescribeUnfinishedAsync(HttpClient client, Uri gateway)
    {
        var parts = new List<string>();
        foreach (var status in (string[])["pending", "running", "failed", "partially_succeeded"])
        {
            var n = 0;
            string? after = null;
            try
            {
                for (var page = 0; page < 200; page++)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(gateway, $"v1/tasks?status={status}&limit=100{(after is null ? "" : "&after=" + after)}"));
                    request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + Systems.GatewayKey);
                    using var response = await client.SendAsync(request).ConfigureAwait(false);
                    using var doc = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync().ConfigureAwait(false));
                    n += doc.RootElement.GetProperty("data").GetArrayLength();
                    after = doc.RootElement.TryGetProperty("next_cursor", out var c) && c.ValueKind == JsonValueKind.String ? c.GetString() : null;
                    if (after is null)
                    {
                        break;
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException or TaskCanceledException or JsonException or KeyNotFoundException)
            {
                parts.Add($"{status}: ? ({e.GetType().Name})");
                continue;
            }

            parts.Add($"{status} {n}");
        }

        return string.Join(", ", parts);
    }

    private static long Percentile(IReadOnlyList<long> sorted, double p) =>
        sorted.Count == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];

    private static double Ms(long ticks) => Math.Round(ticks * 1000.0 / Stopwatch.Frequency, 2);
}
