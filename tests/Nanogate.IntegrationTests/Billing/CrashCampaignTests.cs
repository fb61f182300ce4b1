using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Data.Sqlite;
using Nanogate.Hosting.Commands;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.IntegrationTests.ScaleOut;
using Xunit.Abstractions;

namespace Nanogate.IntegrationTests.Billing;

/// <summary>
/// The crash campaign (issue 13, 3b), short profile: a real server process is killed with SIGKILL at a different point
/// of the task path and the synchronous paths in each iteration (holding the upstream open with the simulator's
/// <c>[sim:slow]</c> marker: before the upstream answers, while it answers, after it answered and while images are
/// stored, and while the task's webhook is being delivered to a receiver that takes 700 ms to answer), then restarted
/// on the same data. After the last restart, once tasks have ended and the hold sweeper has run: no hold is left, the
/// ledger balances (available = top-ups − captures), every task is charged exactly its succeeded images (nothing
/// billed twice), every task's webhook arrived with its final status (a delivery cut by a kill is sent again under
/// the same <c>webhook-id</c>), every stored image row has its file, and the orphan sweep removes exactly the files
/// a kill left without a row.
/// </summary>
public sealed class CrashCampaignTests(ITestOutputHelper output)
{
    private const string DemoKey = "sk-crash-campaign";
    private const long Credits = 100_000;
    private const long Price = 45;

    [Fact]
    public async Task Killing_the_server_at_chosen_points_of_both_paths_loses_and_double_bills_nothing()
    {
        var data = Path.Combine(Path.GetTempPath(), "nanogate-tests", "crash-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(data);
        string[] settings =
        [
            "Storage:Provider=sqlite", $"Storage:DataDirectory={data}", "Admin:ApiKey=sk-admin-crash", $"Bootstrap:DemoKey={DemoKey}",
            $"Bootstrap:DemoCredits={Credits}", "Simulator:Enabled=true", "Simulator:LatencyMs=0", "Upstreams:TimeoutSeconds=4", "Upstreams:Router:MaxAttempts=1",
            "Billing:AbandonedHoldSeconds=5", "Billing:HoldSweepSeconds=1", "Tasks:LeaseSeconds=2", "Tasks:HeartbeatSeconds=1",
            "Tasks:RetryBaseDelayMs=50", "Tasks:MaxAttempts=10", "Tasks:PollIntervalMs=50", "Logging:LogLevel:Default=Warning",
            "Security:AllowPrivateNetworkTargets=true", "Webhooks:AttemptTimeoutSeconds=2", "Webhooks:RetryBaseSeconds=0.2",
        ];

        // The webhook receiver answers after 700 ms, so a kill can land while a delivery is on the wire. It records
        // what arrived, what was answered and what was cut (the sender died mid-request).
        var arrived = new ConcurrentQueue<(string TaskId, string WebhookId, string Type)>();
        var answered = new ConcurrentBag<string>();
        var cut = 0;
        var firstArrival = new ConcurrentDictionary<string, TaskCompletionSource>();
        await using var receiver = await LoopbackServer.StartAsync(app => app.MapPost("/hook", async (HttpContext context) =>
        {
            var body = await JsonNode.ParseAsync(context.Request.Body);
            var taskId = body!["data"]!["task_id"]!.GetValue<string>();
            arrived.Enqueue((taskId, context.Request.Headers["webhook-id"].ToString(), body["type"]!.GetValue<string>()));
            firstArrival.GetOrAdd(taskId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
            try
            {
                await Task.Delay(700, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref cut);
                return Results.Empty;
            }

            answered.Add(taskId);
            return Results.Ok();
        }));
        await using var process = new NanogateProcess("crash", NanogateProcess.FreePort(), data, settings);
        using var client = new HttpClient { BaseAddress = process.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DemoKey);

        // The upstream takes 800 ms per image; the kill lands before, during and after it, in the storing that follows,
        // and while the task's webhook is delivered (from about 900 ms to 1,600 ms).
        int[] killAfterMs = [50, 400, 790, 850, 1000, 1300, 1500];
        var tasks = new List<string>();
        var kills = 0;
        foreach (var delay in killAfterMs)
        {
            await process.StartAsync(TimeSpan.FromSeconds(60));
            var submitted = await client.PostAsJsonAsync("/v1/images/generations", new { model = "nano-banana-2-lite", prompt = $"[sim:slow:800] crash {delay}", n = 2, callback_url = receiver.Address + "/hook" });
            submitted.EnsureSuccessStatusCode();
            tasks.Add((await submitted.Content.ReadFromJsonAsync<JsonObject>())!["task_id"]!.GetValue<string>());

            var gemini = new HttpRequestMessage(HttpMethod.Post, "/v1beta/models/nano-banana-2-lite:generateContent")
            {
                Content = new StringContent(new JsonObject { ["contents"] = new JsonArray(new JsonObject { ["parts"] = new JsonArray(new JsonObject { ["text"] = $"[sim:slow:800] crash sync {delay}" }) }), ["generationConfig"] = new JsonObject { ["responseModalities"] = new JsonArray("IMAGE") } }.ToJsonString(), Encoding.UTF8, "application/json"),
            };
            gemini.Headers.Add("x-nanogate-image-delivery", "url");
            var inFlight = new[]
            {
                client.SendAsync(gemini),
                client.PostAsJsonAsync("/openai/v1/images/generations", new { model = "nano-banana-2-lite", prompt = $"[sim:slow:800] crash openai {delay}", n = 2, response_format = "url" }),
            };

            await Task.Delay(delay);
            process.Kill();
            kills++;
            foreach (var call in inFlight)
            {
                try
                {
                    (await call).Dispose();
                }
                catch (HttpRequestException)
                {
                    // Killed mid-request: what matters is what the ledger says after the restart.
                }
                catch (TaskCanceledException)
                {
                }
            }
        }

        // One more kill on an event rather than a time: the moment a task's webhook reaches the receiver (which takes
        // 700 ms to answer), so at least one delivery is surely cut and has to be sent again after the restart.
        await process.StartAsync(TimeSpan.FromSeconds(60));
        var last = await client.PostAsJsonAsync("/v1/images/generations", new { model = "nano-banana-2-lite", prompt = "crash during delivery", n = 1, callback_url = receiver.Address + "/hook" });
        last.EnsureSuccessStatusCode();
        var lastId = (await last.Content.ReadFromJsonAsync<JsonObject>())!["task_id"]!.GetValue<string>();
        tasks.Add(lastId);
        await firstArrival.GetOrAdd(lastId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task.WaitAsync(TimeSpan.FromSeconds(60));
        process.Kill();
        kills++;

        // The last restart: tasks resume (their leases ran out), abandoned holds are swept.
        await process.StartAsync(TimeSpan.FromSeconds(60));
        var deadline = DateTime.UtcNow.AddSeconds(90);
        JsonObject credits;
        while (true)
        {
            var ended = 0;
            foreach (var id in tasks)
            {
                var status = (await client.GetFromJsonAsync<JsonObject>($"/v1/tasks/{id}"))!["status"]!.GetValue<string>();
                ended += status is "succeeded" or "partially_succeeded" or "failed" or "canceled" ? 1 : 0;
            }

            credits = (await client.GetFromJsonAsync<JsonObject>("/v1/account"))!["credits"]!.AsObject();
            var notified = tasks.Count(answered.Contains);
            if (ended == tasks.Count && credits["reserved"]!.GetValue<long>() == 0 && notified == tasks.Count)
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{ended} of {tasks.Count} tasks ended, {notified} webhooks answered, credits {credits.ToJsonString()}");
            await Task.Delay(200);
        }

        process.Kill(); // the last state is checked as a crash leaves it, too
        SqliteConnection.ClearAllPools();
        await using var db = new SqliteConnection($"Data Source={Path.Combine(data, "nanogate.db")};Pooling=False");
        await db.OpenAsync();

        Assert.Equal(0, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM reservations WHERE settled_at IS NULL"));
        var captured = await db.ExecuteScalarAsync<long>("SELECT COALESCE(SUM(captured), 0) FROM reservations");
        Assert.Equal(captured, credits["charged"]!.GetValue<long>());
        Assert.Equal(Credits - captured, credits["available"]!.GetValue<long>());
        Assert.Equal(Credits, credits["topped_up"]!.GetValue<long>());

        // Each task: charged exactly its succeeded images, its reservation captured exactly that, reserved = charged + refunded.
        var rows = await db.QueryAsync<(string Id, long Charged, long Refunded, long Reserved, long Succeeded, long Captured)>(
            """
            SELECT t.id, t.credits_charged, t.credits_refunded, t.credits_reserved,
                   (SELECT COUNT(*) FROM task_images i WHERE i.task_id = t.id AND i.status = 'succeeded'),
                   r.captured
            FROM tasks t JOIN reservations r ON r.id = t.reservation_id
            """);
        long images = 0;
        foreach (var t in rows)
        {
            Assert.Equal(t.Succeeded * Price, t.Charged);
            Assert.Equal(t.Charged, t.Captured);
            Assert.Equal(t.Reserved, t.Charged + t.Refunded);
            images += t.Succeeded;
        }

        Assert.Equal(tasks.Count, rows.Count());

        // Synchronous captures are whole images (OpenAI: 45 each) or token charges (Gemini), never more than held.
        Assert.Equal(0, await db.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM reservations WHERE captured + released <> amount"));

        // Every image row not purged has its file; files without a row (a kill between write and row) are the orphan
        // sweep's, counted here.
        var media = Path.Combine(data, "media");
        var live = (await db.QueryAsync<string>("SELECT id FROM media WHERE purged_at IS NULL")).ToHashSet();
        var files = Directory.Exists(media) ? Directory.EnumerateFiles(media, "med_*", SearchOption.AllDirectories).Select(Path.GetFileName).ToHashSet() : [];
        Assert.All(live, id => Assert.Contains(id, files));
        var orphans = files.Count(f => !live.Contains(f!));

        // Every task's webhook arrived with its final status, and every delivery of one task (a delivery cut by a kill
        // is sent again) carried the same webhook-id, so a receiver can tell a repeat from news.
        var finalTypes = new Dictionary<string, string>();
        foreach (var id in tasks)
        {
            var status = (await db.ExecuteScalarAsync<string>("SELECT status FROM tasks WHERE id = @id", new { id }))!;
            finalTypes[id] = "task." + status;
        }

        foreach (var group in arrived.GroupBy(a => a.TaskId))
        {
            Assert.Single(group.Select(a => a.WebhookId).Distinct());
            Assert.All(group, a => Assert.Equal(finalTypes[group.Key], a.Type));
        }

        Assert.Equal(tasks.ToHashSet(), arrived.Select(a => a.TaskId).ToHashSet());
        Assert.True(arrived.Count(a => a.TaskId == lastId) >= 2, "the delivery cut by the kill was not sent again");

        // The orphan sweep (here the purge-media command, as an operator runs it; the sweeper calls the same code)
        // removes exactly the files without a row once they are past their grace, and keeps every live one. The files'
        // times are set back past the one-minute minimum grace instead of waiting for it.
        foreach (var file in Directory.Exists(media) ? Directory.EnumerateFiles(media, "*", SearchOption.AllDirectories) : [])
        {
            File.SetLastWriteTimeUtc(file, DateTime.UtcNow.AddMinutes(-5));
        }

        using (var purgeOutput = new StringWriter())
        {
            var code = await ServerCommandLine.RunAsync(["purge-media", $"--Storage:DataDirectory={data}", "--Storage:Provider=sqlite", "--Media:OrphanGraceMinutes=1"], purgeOutput, purgeOutput);
            Assert.True(code == 0, purgeOutput.ToString());
        }

        var left = Directory.Exists(media) ? Directory.EnumerateFiles(media, "med_*", SearchOption.AllDirectories).Select(Path.GetFileName).ToHashSet() : [];
        Assert.Equal(live.OrderBy(id => id, StringComparer.Ordinal), left.Order(StringComparer.Ordinal));

        var cutDeliveries = Volatile.Read(ref cut);
        output.WriteLine($"webhooks: {arrived.Count} arrived, {answered.Count} answered, {cutDeliveries} cut");
        output.WriteLine($"fault-injection: crash {kills}");
        output.WriteLine($"crash campaign: {kills} kills survived ({cutDeliveries} webhook deliveries cut and sent again), {tasks.Count} tasks ({images} images charged), {captured} credits captured and reconciled, 0 holds left, {orphans} orphan files swept");
        try
        {
            Directory.Delete(data, recursive: true);
        }
        catch (IOException)
        {
            // The process's log may still be closing; the temp folder is cleaned with the others.
        }
    }
}
