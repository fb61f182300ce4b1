using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.IntegrationTests.ScaleOut;

namespace Nanogate.IntegrationTests.Operations;

/// <summary>
/// SIGTERM under load on the real program: images in progress finish within <c>Tasks:ShutdownGraceSeconds</c>, or are
/// handed back to the queue without spending an attempt; after a restart every task ends, each image made and billed
/// once. <c>Tasks:MaxAttempts=1</c> makes "without spending an attempt" observable: a spent attempt would fail the image.
/// </summary>
public sealed class GracefulShutdownTests() : ProcessDataTest("sigterm")
{
    private const string DemoKey = "sk-graceful-shutdown";
    private const long Price = 45; // nano-banana-2-lite at 1K (seed 000), as the catalog prices it (checked at submit)

    [Fact]
    public async Task Images_in_progress_finish_within_the_grace_period_and_queued_ones_wait_for_the_restart()
    {
        var port = NanogateProcess.FreePort();
        await using var first = Start(port, latencyMs: 1500, graceSeconds: 15);
        await first.StartAsync(TimeSpan.FromSeconds(60));
        using var client = Client(first);
        var tasks = await SubmitAsync(client, 8);
        await WaitForRunningAsync(4);
        await WaitForSimulatorCallsAsync(client, 4);

        var clock = Stopwatch.StartNew();
        Assert.Equal(0, await first.TerminateAsync(TimeSpan.FromSeconds(40)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"shutdown took {clock.Elapsed}");

        // The four in progress finished (no attempt lost, nothing left running); the rest are still queued.
        var images = await ImagesAsync();
        Assert.Equal(4, images.Count(i => i.Status == "succeeded"));
        Assert.Equal(4, images.Count(i => i.Status == "queued"));
        Assert.DoesNotContain(images, i => i.Status == "running");

        await using var second = Start(port, latencyMs: 0, graceSeconds: 15);
        await second.StartAsync(TimeSpan.FromSeconds(60));
        await AssertAllSucceededOnceAsync(client, tasks);
    }

    [Fact]
    public async Task Images_still_running_when_the_grace_period_ends_are_handed_back_without_spending_an_attempt()
    {
        var port = NanogateProcess.FreePort();
        await using var first = Start(port, latencyMs: 20_000, graceSeconds: 1);
        await first.StartAsync(TimeSpan.FromSeconds(60));
        using var client = Client(first);
        var tasks = await SubmitAsync(client, 4);
        await WaitForRunningAsync(4);

        var clock = Stopwatch.StartNew();
        Assert.Equal(0, await first.TerminateAsync(TimeSpan.FromSeconds(30)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"shutdown took {clock.Elapsed}: the grace period is 1 s");

        var images = await ImagesAsync();
        Assert.All(images, i => Assert.Equal(("queued", 0L), (i.Status, i.Attempt)));

        await using var second = Start(port, latencyMs: 0, graceSeconds: 15);
        await second.StartAsync(TimeSpan.FromSeconds(60));
        await AssertAllSucceededOnceAsync(client, tasks);
    }

    private NanogateProcess Start(int port, int latencyMs, int graceSeconds) => new(
        "sigterm", port, Data,
        [
            .. Storage, "Admin:ApiKey=sk-admin-sigterm", $"Bootstrap:DemoKey={DemoKey}", "Bootstrap:DemoCredits=100000",
            "Simulator:Enabled=true", $"Simulator:LatencyMs={latencyMs}", "Tasks:Workers=4", "Tasks:MaxAttempts=1",
            $"Tasks:ShutdownGraceSeconds={graceSeconds}", "Logging:LogLevel:Default=Information",
        ]);

    private static HttpClient Client(NanogateProcess process)
    {
        var client = new HttpClient { BaseAddress = process.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DemoKey);
        return client;
    }

    private static async Task<List<string>> SubmitAsync(HttpClient client, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            using var response = await client.PostAsJsonAsync("/v1/images/generations", new { model = "nano-banana-2-lite", prompt = $"a kite over the sea {i}", n = 1 });
            var task = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.True(response.IsSuccessStatusCode, task.ToJsonString());
            Assert.Equal(Price, task["credits"]!["reserved"]!.GetValue<long>());
            ids.Add(task["task_id"]!.GetValue<string>());
        }

        return ids;
    }

    private async Task WaitForRunningAsync(int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while ((await ImagesAsync()).Count(i => i.Status == "running") < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"fewer than {count} images started within 20 s");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// Waits until the in-process simulator is answering <paramref name="count"/> calls: an image is "running" from its
    /// claim, a moment before its call reaches the simulator, and a SIGTERM in that moment finds the listener closed
    /// (the image is then handed back, which the other test covers). Nothing else is in flight meanwhile (the images
    /// are read from the database), so the server's active POSTs are the simulator's calls.
    /// </summary>
    private static async Task WaitForSimulatorCallsAsync(HttpClient client, int count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (true)
        {
            var metrics = await client.GetStringAsync("/metrics");
            var active = metrics.Split('\n')
                .Where(l => l.StartsWith("http_server_active_requests{", StringComparison.Ordinal) && l.Contains("http_request_method=\"POST\"", StringComparison.Ordinal))
                .Sum(l => long.Parse(l[(l.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
            if (active >= count)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the simulator answered {active} calls, not {count}, within 20 s");
            await Task.Delay(50);
        }
    }

    private async Task AssertAllSucceededOnceAsync(HttpClient client, List<string> tasks)
    {
        foreach (var id in tasks)
        {
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            JsonObject task;
            while ((task = (await client.GetFromJsonAsync<JsonObject>($"/v1/tasks/{id}"))!)["status"]!.GetValue<string>() is "queued" or "running")
            {
                Assert.True(DateTime.UtcNow < deadline, $"{id} did not end: {task.ToJsonString()}");
                await Task.Delay(100);
            }

            Assert.True(task["status"]!.GetValue<string>() == "succeeded", task.ToJsonString());
            Assert.Equal(Price, task["credits"]!["charged"]!.GetValue<long>());
            Assert.Equal(0, task["credits"]!["refunded"]!.GetValue<long>());
        }

        // Each image claimed once (MaxAttempts=1 would have failed a second), each billed once.
        Assert.All(await ImagesAsync(), i => Assert.Equal(("succeeded", 1L), (i.Status, i.Attempt)));
        var credits = (await client.GetFromJsonAsync<JsonObject>("/v1/account"))!["credits"]!;
        Assert.Equal(0, credits["reserved"]!.GetValue<long>());
        Assert.Equal(tasks.Count * Price, credits["charged"]!.GetValue<long>());
        Assert.Equal(100_000 - (tasks.Count * Price), credits["available"]!.GetValue<long>());
    }

    private async Task<List<(string Status, long Attempt)>> ImagesAsync()
    {
        await using var connection = await TestStorage.OpenAsync(Data);
        return [.. await connection.QueryAsync<(string, long)>("SELECT status, attempt FROM task_images")];
    }
}
