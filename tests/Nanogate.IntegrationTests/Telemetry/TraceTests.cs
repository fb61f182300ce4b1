using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.IntegrationTests.Security;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace Nanogate.IntegrationTests.Telemetry;

/// <summary>
/// One trace per task, from the submission to the webhook, read from OpenTelemetry's in-memory exporter; and the
/// <c>traceparent</c> that reaches the upstream and the webhook receiver, read on their side.
/// </summary>
public sealed class TraceTests
{
    [Fact]
    public async Task A_task_is_one_trace_from_the_submission_through_the_worker_and_the_upstream_to_the_webhook()
    {
        var spans = new ConcurrentQueue<Activity>();
        await using var server = await NanogateServer.StartAsync(
            builder => builder.Services.ConfigureOpenTelemetryTracerProvider(t => t.SetSampler(new AlwaysOnSampler()).AddProcessor(new SimpleActivityExportProcessor(new QueueExporter(spans)))),
            "Security:AllowPrivateNetworkTargets=true");
        await using var receiver = await LoopbackSite.StartAsync(app => app.MapPost("/hook/callback", () => Results.Ok()));
        var account = await server.CreateAccountAsync(1_000);
        using var client = account.Client();

        using var submit = new HttpRequestMessage(HttpMethod.Post, "/v1/images/generations")
        {
            Content = JsonContent.Create(new { model = "nano-banana-2-lite", prompt = "a red square", webhook = receiver.Url("/hook").ToString() }),
        };
        submit.Headers.Add("Prefer", "wait=30");
        using var answer = await client.SendAsync(submit);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        var taskId = (await answer.Content.ReadFromJsonAsync<JsonObject>())!["task_id"]!.GetValue<string>();

        for (var i = 0; i < 100 && receiver.Requests.IsEmpty; i++)
        {
            await Task.Delay(100);
        }

        var delivered = Assert.Single(receiver.Requests);

        // The submission's server span; everything below hangs from it (its own parent is this test's HttpClient span:
        // the test runs in the server's process, whose tracer provider records it too).
        var root = await WaitForAsync(spans, s => s.Kind == ActivityKind.Server && s.DisplayName == "POST /v1/images/generations" && HasTag(s, "http.response.status_code", 200));
        var trace = root.TraceId;

        var enqueue = await WaitForAsync(spans, s => s.TraceId == trace && s.DisplayName == "task.enqueue");
        Assert.Equal(root.SpanId, enqueue.ParentSpanId);
        Assert.Equal(taskId, enqueue.GetTagItem("nanogate.task_id"));

        var run = await WaitForAsync(spans, s => s.TraceId == trace && s.DisplayName == "task.run");
        Assert.Equal(root.SpanId, run.ParentSpanId);
        Assert.Equal(taskId, run.GetTagItem("nanogate.task_id"));

        var upstream = await WaitForAsync(spans, s => s.TraceId == trace && s.DisplayName == "upstream.call");
        Assert.Equal(run.SpanId, upstream.ParentSpanId);
        Assert.Equal("ok", upstream.GetTagItem("nanogate.outcome"));

        // The upstream call's HttpClient span, and the simulator's server span on the far side of the wire: the
        // simulator (served by this process) read the traceparent the call sent.
        var upstreamHttp = await WaitForAsync(spans, s => s.TraceId == trace && s.Kind == ActivityKind.Client && s.ParentSpanId == upstream.SpanId);
        var simulator = await WaitForAsync(spans, s => s.TraceId == trace && s.Kind == ActivityKind.Server && s.ParentSpanId == upstreamHttp.SpanId);
        Assert.StartsWith("POST /simulator", simulator.DisplayName, StringComparison.Ordinal);

        var media = await WaitForAsync(spans, s => s.TraceId == trace && s.DisplayName == "media.write");
        Assert.Equal(run.SpanId, media.ParentSpanId);

        var webhook = await WaitForAsync(spans, s => s.TraceId == trace && s.DisplayName == "webhook.deliver");
        Assert.Equal(root.SpanId, webhook.ParentSpanId);
        Assert.Equal("delivered", webhook.GetTagItem("nanogate.outcome"));
        var webhookHttp = await WaitForAsync(spans, s => s.TraceId == trace && s.Kind == ActivityKind.Client && s.ParentSpanId == webhook.SpanId);

        // The receiver got the webhook's own HttpClient span as its parent.
        Assert.Equal($"00-{trace}-{webhookHttp.SpanId}-01", delivered.Headers["traceparent"]);
    }

    [Fact]
    public async Task Without_a_collector_nothing_is_recorded_but_traceparent_still_reaches_the_upstream_and_the_caller_trace_continues()
    {
        // The default configuration (no OTLP endpoint): an outside upstream (a loopback Gemini stand-in) sees the
        // caller's trace id in the traceparent of the call Nanogate makes for it.
        var seen = new ConcurrentQueue<string>();
        await using var upstream = await LoopbackSite.StartAsync(app => app.MapPost("/v1beta/models/{model}", (HttpContext context) =>
        {
            seen.Enqueue(context.Request.Headers["traceparent"].ToString());
            return Results.Text(
                """{"candidates":[{"content":{"parts":[{"text":"ok"}],"role":"model"},"finishReason":"STOP"}],"usageMetadata":{"promptTokenCount":1,"candidatesTokenCount":1,"totalTokenCount":2}}""",
                "application/json");
        }));
        await using var server = await NanogateServer.StartAsync(
            "Simulator:Enabled=false",
            "Upstreams:Gemini:ApiKeys=test-upstream-key",
            $"Upstreams:Gemini:BaseUrl={upstream.BaseAddress.ToString().TrimEnd('/')}");
        var account = await server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var callerTrace = ActivityTraceId.CreateRandom();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1beta/models/nano-banana-2-lite:generateContent") { Content = JsonContent.Create(Gemini.GeminiDialectTests.Body("x")) };
        request.Headers.Add("traceparent", $"00-{callerTrace}-{ActivitySpanId.CreateRandom()}-00");
        HttpResponseMessage response;
        using (SuppressInstrumentationScope.Begin())
        {
            // This test shares the server's process: without this its own HttpClient would start a trace and replace the header.
            response = await client.SendAsync(request);
        }

        var traceparent = Assert.Single(seen);
        var parts = traceparent.Split('-');
        Assert.Equal(4, parts.Length);
        Assert.Equal(callerTrace.ToString(), parts[1]);
        Assert.Equal("00", parts[3]);
        response.Dispose();
    }

    private static bool HasTag(Activity activity, string key, object value) => Equals(activity.GetTagItem(key), value);

    private static async Task<Activity> WaitForAsync(ConcurrentQueue<Activity> spans, Func<Activity, bool> match)
    {
        // Spans are exported as they end; the webhook's ends after the receiver answered, the server's after the response.
        for (var i = 0; i < 100; i++)
        {
            var found = spans.Where(match).ToList();
            if (found.Count > 0)
            {
                return Assert.Single(found);
            }

            await Task.Delay(50);
        }

        throw new Xunit.Sdk.XunitException("No such span; exported: " + string.Join(", ", spans.Select(s => $"{s.DisplayName}({s.Kind}, {s.TraceId}/{s.ParentSpanId}->{s.SpanId})")));
    }

    /// <summary>The in-memory exporter's job, into a queue that tests can read while spans still arrive.</summary>
    private sealed class QueueExporter(ConcurrentQueue<Activity> spans) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            foreach (var activity in batch)
            {
                spans.Enqueue(activity);
            }

            return ExportResult.Success;
        }
    }
}
