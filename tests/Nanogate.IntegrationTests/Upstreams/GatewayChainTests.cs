using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.IntegrationTests.Tasks;

namespace Nanogate.IntegrationTests.Upstreams;

/// <summary>Whole Nanogates end to end: one fronting another through the relay kinds, and the router under a fault mix.</summary>
public sealed class GatewayChainTests
{
    [Fact]
    public async Task A_nanogate_with_task_relay_and_openai_images_channels_to_another_serves_all_three_dialects()
    {
        await using var upstream = await NanogateServer.StartAsync();
        var relay = await upstream.CreateAccountAsync(1_000_000, "relay");
        await using var gateway = await NanogateServer.StartAsync("Security:AllowPrivateNetworkTargets=true");
        Assert.Equal(HttpStatusCode.OK, (await gateway.Admin.PatchAsJsonAsync("/admin/v1/channels/simulator", new { enabled = false })).StatusCode);
        var tasksChannel = await gateway.Admin.PostAsJsonAsync("/admin/v1/channels", new
        {
            name = "relay-tasks",
            kind = "task-relay",
            base_url = upstream.BaseAddress.ToString(),
            api_key = relay.Key,
            priority = 1,
            settings = new { poll_interval_ms = 50 },
        });
        Assert.Equal(HttpStatusCode.Created, tasksChannel.StatusCode);
        var openAiChannel = await gateway.Admin.PostAsJsonAsync("/admin/v1/channels", new
        {
            name = "relay-openai",
            kind = "openai-images",
            base_url = new Uri(upstream.BaseAddress, "openai").ToString(),
            api_key = relay.Key,
            priority = 1,
        });
        Assert.Equal(HttpStatusCode.Created, openAiChannel.StatusCode);
        var user = await gateway.CreateAccountAsync(100_000);
        using var client = user.Client();

        foreach (var (only, other) in new[] { ("relay-tasks", "relay-openai"), ("relay-openai", "relay-tasks") })
        {
            await gateway.Admin.PatchAsJsonAsync($"/admin/v1/channels/{other}", new { enabled = false });
            await gateway.Admin.PatchAsJsonAsync($"/admin/v1/channels/{only}", new { enabled = true });

            // Tasks dialect: two images, stored on the gateway.
            var submitted = await TaskApi.JsonAsync(await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = $"a chain via {only}", n = 2, aspect_ratio = "16:9" }));
            var task = await TaskApi.WaitForEndAsync(client, submitted["task_id"]!.GetValue<string>(), TimeSpan.FromSeconds(60));
            Assert.Equal("succeeded", task["status"]!.GetValue<string>());
            var url = task["images"]![0]!["url"]!.GetValue<string>();
            Assert.StartsWith(gateway.BaseAddress.ToString(), url, StringComparison.Ordinal);
            var png = await new HttpClient().GetByteArrayAsync(url);
            Assert.Equal((1376, 768), Png.Size(png));

            // Gemini dialect: a Gemini answer with the image inline, and who made it.
            using var gemini = new HttpRequestMessage(HttpMethod.Post, "/v1beta/models/nano-banana-2-lite:generateContent") { Content = JsonContent.Create(Gemini.GeminiDialectTests.Body($"gemini via {only}")) };
            gemini.Headers.Add("x-goog-api-key", user.Key);
            var chargedBefore = (await user.BalanceAsync()).Charged;
            var answer = await gateway.Client.SendAsync(gemini);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal(only, answer.Headers.GetValues("x-nanogate-channel").Single());
            var body = (await answer.Content.ReadFromJsonAsync<JsonObject>())!;
            var parts = body["candidates"]![0]!["content"]!["parts"]!.AsArray();
            Assert.Contains(parts, p => p!["inlineData"]?["mimeType"]?.GetValue<string>() == "image/png");
            Assert.True((await user.BalanceAsync()).Charged > chargedBefore);

            // OpenAI dialect.
            var openAi = await client.PostAsJsonAsync("/openai/v1/images/generations", new { model = "nano-banana-2-lite", prompt = $"openai via {only}", response_format = "b64_json" });
            Assert.Equal(HttpStatusCode.OK, openAi.StatusCode);
            Assert.Equal(only, openAi.Headers.GetValues("x-nanogate-channel").Single());
            var data = (await openAi.Content.ReadFromJsonAsync<JsonObject>())!["data"]![0]!["b64_json"]!.GetValue<string>();
            Assert.Equal((1024, 1024), Png.Size(Convert.FromBase64String(data)));
        }

        // The upstream Nanogate billed the relay account for what it made; the gateway's books balance.
        Assert.True((await relay.BalanceAsync()).Charged > 0);
        await gateway.AssertLedgerConsistentAsync(user.Id);
        var metrics = await gateway.Client.GetStringAsync("/metrics");
        Assert.Equal(4, PrometheusText.Parse(metrics).Value("nanogate_upstream_calls_total", ("channel", "relay-tasks"), ("kind", "task-relay"), ("outcome", "ok")));
    }

    [Fact]
    public async Task Thirty_percent_retryable_faults_over_two_channels_still_finish_99_percent_of_tasks_and_refund_every_failed_image()
    {
        var faults = 0;
        Task Flaky(Microsoft.AspNetCore.Http.HttpContext context)
        {
            if (Random.Shared.NextDouble() >= 0.3)
            {
                return ScriptedUpstream.Ok(context);
            }

            Interlocked.Increment(ref faults);
            return Random.Shared.Next(4) switch
            {
                0 => ScriptedUpstream.Status(context, 500),
                1 => ScriptedUpstream.Status(context, 503, "UNAVAILABLE"),
                2 => ScriptedUpstream.RateLimited(context, "0.05s"),
                _ => ScriptedUpstream.Malformed(context),
            };
        }

        await using var a = await ScriptedUpstream.StartAsync(Flaky);
        await using var b = await ScriptedUpstream.StartAsync(Flaky);
        await using var gateway = await NanogateServer.StartAsync("Tasks:RetryBaseDelayMs=20", "Tasks:PollIntervalMs=20");
        await gateway.Admin.PatchAsJsonAsync("/admin/v1/channels/simulator", new { enabled = false });
        foreach (var (name, upstream) in new[] { ("mix-a", a), ("mix-b", b) })
        {
            var created = await gateway.Admin.PostAsJsonAsync("/admin/v1/channels", new { name, kind = "gemini", base_url = upstream.BaseUrl.ToString(), api_key = "k-" + name, priority = 1 });
            Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        }

        var user = await gateway.CreateAccountAsync(10_000_000);
        using var client = user.Client();
        const int tasks = 100;
        var ids = new string[tasks];
        await Parallel.ForEachAsync(Enumerable.Range(0, tasks), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var submitted = await TaskApi.JsonAsync(await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = $"fault mix {i}" }));
            ids[i] = submitted["task_id"]!.GetValue<string>();
        });

        var ended = new JsonObject[tasks];
        for (var i = 0; i < tasks; i++)
        {
            ended[i] = await TaskApi.WaitForEndAsync(client, ids[i], TimeSpan.FromSeconds(60));
        }

        var succeeded = ended.Count(t => t["status"]!.GetValue<string>() == "succeeded");
        Assert.True(succeeded >= 99, $"{succeeded} of {tasks} succeeded");
        Assert.True(faults > 20, $"only {faults} faults were injected");
        foreach (var failed in ended.Where(t => t["status"]!.GetValue<string>() != "succeeded"))
        {
            Assert.Equal(0, failed["credits"]!["charged"]!.GetValue<long>());
            Assert.Equal(failed["credits"]!["reserved"]!.GetValue<long>(), failed["credits"]!["refunded"]!.GetValue<long>());
        }

        var balance = await user.BalanceAsync();
        Assert.Equal(0, balance.Reserved);
        Assert.Equal(succeeded * ended[0]["credits"]!["reserved"]!.GetValue<long>(), balance.Charged);
        await gateway.AssertLedgerConsistentAsync(user.Id);
    }

    [Fact]
    public async Task A_gemini_stream_served_by_a_kind_that_cannot_stream_is_one_sse_event_with_the_image()
    {
        await using var server = await NanogateServer.StartAsync("Security:AllowPrivateNetworkTargets=true");
        await server.Admin.PatchAsJsonAsync("/admin/v1/channels/simulator", new { enabled = false });
        var created = await server.Admin.PostAsJsonAsync("/admin/v1/channels", new { name = "oa-sim", kind = "openai-images", base_url = new Uri(server.BaseAddress, "simulator/openai").ToString(), api_key = "sk-sim" });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var user = await server.CreateAccountAsync(100_000);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1beta/models/nano-banana-2-lite:streamGenerateContent?alt=sse") { Content = JsonContent.Create(Gemini.GeminiDialectTests.Body("a streamed banana", ratio: "4:3")) };
        request.Headers.Add("x-goog-api-key", user.Key);
        var response = await server.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("oa-sim", response.Headers.GetValues("x-nanogate-channel").Single());
        var text = await response.Content.ReadAsStringAsync();
        var events = text.Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries);
        var only = Assert.Single(events);
        var answer = JsonNode.Parse(only["data: ".Length..])!;
        var data = answer["candidates"]![0]!["content"]!["parts"]!.AsArray().Select(p => p!["inlineData"]?["data"]?.GetValue<string>()).Single(d => d is not null);
        Assert.Equal((1200, 896), Png.Size(Convert.FromBase64String(data!)));
        var balance = await user.BalanceAsync();
        Assert.True(balance.Charged > 0);
        Assert.Equal(0, balance.Reserved);
    }
}
