using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Dapper;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Nanogate.IntegrationTests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Nanogate.IntegrationTests.ScaleOut;

/// <summary>
/// Two Nanogate processes on one PostgreSQL database and one shared media folder, behind nginx; tasks submitted
/// through nginx while one process is killed with SIGKILL and started again. Afterwards every task has ended, no
/// image was billed or stored twice, the ledger balances to the credit, each task's webhook reached the receiver
/// under exactly one webhook-id, and every image downloads from either process.
/// </summary>
/// <remarks>
/// The CI profile submits 1,000 tasks with one kill; the long profile is
/// <c>NANOGATE_SCALEOUT_TASKS=10000 NANOGATE_SCALEOUT_KILLS=4 ./tests/scaleout.sh</c> (docs/scaling.md).
/// </remarks>
public sealed class MultiProcessKillTests(ITestOutputHelper output)
{
    private const string AdminKey = "sk-admin-scaleout";
    private const string DemoKey = "sk-scaleout-demo";
    private const long Credits = 1_000_000_000;
    private const int Price = 45; // Lite, 1K: every task here uses it
    private const int MaxAttempts = 3;

    [ScaleOutFact]
    public async Task Tasks_survive_a_killed_process_behind_a_load_balancer_with_every_credit_accounted_for()
    {
        var basePg = Environment.GetEnvironmentVariable("NANOGATE_TEST_POSTGRES")
            ?? throw new InvalidOperationException("NANOGATE_TEST_POSTGRES is not set: run ./test.sh, which starts PostgreSQL (tests/postgres.sh).");
        var nginx = NginxBalancer.Find() ?? throw new InvalidOperationException("nginx is not installed: apt-get install -y nginx (./test.sh does).");
        var tasks = int.Parse(Environment.GetEnvironmentVariable("NANOGATE_SCALEOUT_TASKS") ?? "1000", System.Globalization.CultureInfo.InvariantCulture);
        var kills = int.Parse(Environment.GetEnvironmentVariable("NANOGATE_SCALEOUT_KILLS") ?? "1", System.Globalization.CultureInfo.InvariantCulture);

        var work = Path.Combine(Path.GetTempPath(), "nanogate-tests", "scaleout-" + Guid.NewGuid().ToString("N")[..8]);
        var shared = Path.Combine(work, "shared-data");
        Directory.CreateDirectory(shared);
        var database = "ng_scale_" + Guid.NewGuid().ToString("N")[..12];
        var adminCs = new NpgsqlConnectionStringBuilder(basePg) { Database = "postgres", Pooling = false }.ConnectionString;
        var cs = new NpgsqlConnectionStringBuilder(basePg) { Database = database }.ConnectionString;
        await using (var admin = new NpgsqlConnection(adminCs))
        {
            await admin.OpenAsync();
            await admin.ExecuteAsync($"CREATE DATABASE {database}");
        }

        var received = new ConcurrentQueue<(string WebhookId, string TaskId)>();
        await using var receiver = await LoopbackServer.StartAsync(app => app.MapPost("/hook", async (HttpContext context) =>
        {
            var body = await context.Request.ReadFromJsonAsync<JsonObject>();
            received.Enqueue((context.Request.Headers["webhook-id"].ToString(), body?["data"]?["task_id"]?.GetValue<string>() ?? ""));
            return Results.Ok();
        }));

        string[] settings =
        [
            "Storage:Provider=postgres",
            $"ConnectionStrings:Postgres={cs}",
            $"Storage:DataDirectory={shared}",
            $"Admin:ApiKey={AdminKey}",
            $"Bootstrap:DemoKey={DemoKey}",
            $"Bootstrap:DemoCredits={Credits}",
            "Simulator:Enabled=true",
            "Simulator:LatencyMs=150",
            "Security:AllowPrivateNetworkTargets=true",
            $"Tasks:MaxAttempts={MaxAttempts}",
            "Tasks:LeaseSeconds=4",
            // The whole run is one account's backlog on purpose: lift the queue bounds (429 queue_full) past it.
            "Tasks:MaxQueuedImagesPerAccount=1000000",
            "Tasks:MaxQueuedImages=1000000",
            "Tasks:HeartbeatSeconds=1",
            "Tasks:RetryBaseDelayMs=100",
            "Webhooks:AttemptTimeoutSeconds=3",
            "Webhooks:RetryBaseSeconds=1",
            "Logging:LogLevel:Default=Warning",
        ];
        await using var first = new NanogateProcess("nanogate-1", NanogateProcess.FreePort(), work, settings);
        await using var second = new NanogateProcess("nanogate-2", NanogateProcess.FreePort(), work, settings);
        // Started together on purpose: migrations and bootstrap must happen once between them.
        await Task.WhenAll(first.StartAsync(TimeSpan.FromSeconds(90)), second.StartAsync(TimeSpan.FromSeconds(90)));
        await using var balancer = await NginxBalancer.StartAsync(nginx, Path.Combine(work, "nginx"), [first.Port, second.Port]);

        using var client = new HttpClient { BaseAddress = balancer.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DemoKey);

        var clock = Stopwatch.StartNew();
        var taskIds = new ConcurrentDictionary<int, string>();
        var retried = 0;
        var next = -1;
        var killAt = Enumerable.Range(1, kills).Select(k => tasks * k / (kills + 1)).ToArray();
        var killer = Task.Run(async () =>
        {
            for (var k = 0; k < kills; k++)
            {
                while (taskIds.Count < killAt[k])
                {
                    await Task.Delay(20);
                }

                var victim = k % 2 == 0 ? first : second;
                victim.Kill();
                output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: killed {victim.Name} (SIGKILL) after {taskIds.Count} submits");
                await Task.Delay(1000);
                await victim.StartAsync(TimeSpan.FromSeconds(90));
                output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {victim.Name} is back");
            }
        });

        await Task.WhenAll(Enumerable.Range(0, 16).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < tasks)
            {
                var (id, retries) = await SubmitAsync(client, i, receiver.Address + "/hook");
                taskIds[i] = id;
                Interlocked.Add(ref retried, retries);
            }
        }));
        await killer;
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {tasks} tasks submitted ({retried} submit retries after errors)");

        await using var db = new NpgsqlConnection(cs);
        await db.OpenAsync();
        var lastReport = clock.Elapsed;
        await WaitUntilAsync(
            async () =>
            {
                var open = await db.ExecuteScalarAsync<long>("SELECT count(*) FROM tasks WHERE status IN ('pending', 'running')");
                var pending = await db.ExecuteScalarAsync<long>("SELECT count(*) FROM webhook_deliveries WHERE status = 'pending'");
                if (clock.Elapsed - lastReport > TimeSpan.FromSeconds(10))
                {
                    lastReport = clock.Elapsed;
                    output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: {open} tasks open, {pending} webhooks pending");
                }

                return open == 0 && pending == 0;
            },
            TimeSpan.FromSeconds(240),
            () => $"open tasks or pending webhooks remain\n{first.Tail()}\n{second.Tail()}");
        output.WriteLine($"{clock.Elapsed.TotalSeconds:0.0} s: every task ended and every webhook settled");

        // Exactly the submitted tasks exist: no retry made a second task.
        var accountId = await db.ExecuteScalarAsync<string>("SELECT account_id FROM api_keys WHERE name = 'demo'");
        Assert.Equal(tasks, taskIds.Values.Distinct().Count());
        Assert.Equal(tasks, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM tasks WHERE account_id = @accountId", new { accountId }));

        // Per task: reserved = charged + refunded, charged = price × succeeded images = the images' own charges = the reservation's capture.
        var bad = (await db.QueryAsync<string>("""
            SELECT t.id FROM tasks t
            JOIN reservations r ON r.id = t.reservation_id
            LEFT JOIN (SELECT task_id, count(*) FILTER (WHERE status = 'succeeded') AS ok, sum(charged) AS charged
                       FROM task_images GROUP BY task_id) i ON i.task_id = t.id
            WHERE t.credits_reserved <> t.credits_charged + t.credits_refunded
               OR t.credits_charged <> @Price * coalesce(i.ok, 0)
               OR t.credits_charged <> coalesce(i.charged, 0)
               OR r.captured <> t.credits_charged
               OR r.released <> t.credits_refunded
               OR r.settled_at IS NULL
            """, new { Price })).ToList();
        Assert.True(bad.Count == 0, $"{bad.Count} tasks do not add up, e.g. {string.Join(", ", bad.Take(5))}");

        // The account: top-ups minus charges, and the ledger entries say the same.
        var charged = await db.ExecuteScalarAsync<long>("SELECT coalesce(sum(credits_charged), 0) FROM tasks WHERE account_id = @accountId", new { accountId });
        var available = await db.ExecuteScalarAsync<long>("SELECT credits_available FROM accounts WHERE id = @accountId", new { accountId });
        Assert.Equal(Credits - charged, available);
        var ledger = await db.QuerySingleAsync<(long TopUps, long Reserves, long Captures, long Releases)>("""
            SELECT coalesce(sum(amount) FILTER (WHERE kind = 'topup'), 0), coalesce(sum(amount) FILTER (WHERE kind = 'reserve'), 0),
                   coalesce(sum(amount) FILTER (WHERE kind = 'capture'), 0), coalesce(sum(amount) FILTER (WHERE kind = 'release'), 0)
            FROM ledger_entries WHERE account_id = @accountId
            """, new { accountId });
        Assert.Equal((Credits, charged), (ledger.TopUps, ledger.Captures));
        Assert.Equal(ledger.Reserves, ledger.Captures + ledger.Releases);

        // No image stored twice: one media row per succeeded image, none without one.
        var succeeded = await db.ExecuteScalarAsync<long>("SELECT count(*) FROM task_images WHERE status = 'succeeded'");
        Assert.True(succeeded > tasks, $"only {succeeded} images succeeded");
        Assert.Equal(succeeded, await db.ExecuteScalarAsync<long>("SELECT count(DISTINCT media_id) FROM task_images WHERE status = 'succeeded'"));
        Assert.Equal(succeeded, await db.ExecuteScalarAsync<long>("SELECT count(*) FROM media WHERE account_id = @accountId", new { accountId }));
        var overAttempted = await db.ExecuteScalarAsync<long>("SELECT count(*) FROM task_images WHERE attempt > @MaxAttempts", new { MaxAttempts });

        // Webhooks: one outbox row per task, delivered, and the receiver saw each task under exactly that one id.
        var rows = (await db.QueryAsync<(string Id, string TaskId, string Status)>("SELECT id, task_id, status FROM webhook_deliveries")).ToList();
        Assert.Equal(tasks, rows.Count);
        Assert.All(rows, r => Assert.Equal("delivered", r.Status));
        var byTask = received.GroupBy(r => r.TaskId).ToDictionary(g => g.Key, g => g.Select(r => r.WebhookId).Distinct().ToList());
        foreach (var row in rows)
        {
            Assert.True(byTask.TryGetValue(row.TaskId, out var ids), $"no webhook for {row.TaskId}");
            Assert.Equal([row.Id], ids);
        }

        var duplicates = received.Count - rows.Count;

        // Every succeeded image downloads from either process (a sample: each is ~1.5 MB).
        using var one = Authorized(first.BaseAddress);
        using var two = Authorized(second.BaseAddress);
        var sample = taskIds.Values.OrderBy(id => id, StringComparer.Ordinal).Take(40).ToList();
        var downloaded = 0;
        foreach (var taskId in sample)
        {
            var task = (await one.GetFromJsonAsync<JsonObject>($"/v1/tasks/{taskId}"))!;
            var again = (await two.GetFromJsonAsync<JsonObject>($"/v1/tasks/{taskId}"))!;
            Assert.Equal(task["status"]!.ToString(), again["status"]!.ToString());
            foreach (var image in task["images"]!.AsArray().Where(i => i!["status"]!.ToString() == "succeeded"))
            {
                var url = new Uri(image!["url"]!.GetValue<string>());
                var bytesOne = await one.GetByteArrayAsync(url.PathAndQuery);
                var bytesTwo = await two.GetByteArrayAsync(url.PathAndQuery);
                Assert.True(bytesOne.Length > 1000);
                Assert.Equal(bytesOne, bytesTwo);
                downloaded++;
            }
        }

        Assert.True(downloaded > 0);
        output.WriteLine($"scale-out: {tasks} tasks, {succeeded} images, {kills} SIGKILL(s) survived, {retried} submit retries, "
            + $"{duplicates} duplicate webhook deliveries (same webhook-id), {overAttempted} images past {MaxAttempts} attempts, "
            + $"{downloaded} images downloaded from both processes, {charged} credits charged and reconciled, {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.Equal(0, overAttempted);

        await db.CloseAsync();
        NpgsqlConnection.ClearAllPools();
        await using (var admin = new NpgsqlConnection(adminCs))
        {
            await admin.OpenAsync();
            await admin.ExecuteAsync($"DROP DATABASE IF EXISTS {database} WITH (FORCE)");
        }

        // The shared media (2.3 GB for the default 1,000 tasks) goes with a passing run; the logs stay beside it.
        // A failing run keeps everything for a look.
        try
        {
            Directory.Delete(shared, recursive: true);
        }
        catch (IOException)
        {
            // A process still writing as it is stopped: the temp folder is cleaned with the others.
        }

        HttpClient Authorized(Uri baseAddress)
        {
            var c = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
            c.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", DemoKey);
            return c;
        }
    }

    /// <summary>
    /// Submits task <paramref name="i"/> as a careful client does: an Idempotency-Key, and on a transport error or a
    /// 502/503/504 (the process it reached died) the same request again. A 409 (the key is in flight on a process
    /// that died before storing an answer, so no task exists) is retried a while, then sent under a fresh key.
    /// </summary>
    private static async Task<(string TaskId, int Retries)> SubmitAsync(HttpClient client, int i, string callback)
    {
        var n = 1 + (i % 4);
        var prompt = (i % 25) switch
        {
            7 => $"[sim:500] scale-out task {i}",
            13 => $"[sim:blocked] scale-out task {i}",
            _ => $"scale-out task {i}",
        };
        var key = $"scale-{i}";
        var retries = 0;
        var conflictSince = (DateTime?)null;
        for (var attempt = 0; attempt < 400; attempt++)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/images/generations")
            {
                Content = JsonContent.Create(new { model = "nano-banana-2-lite", prompt, n, aspect_ratio = "1:1", callback_url = callback }),
            };
            request.Headers.Add("Idempotency-Key", key);
            try
            {
                using var response = await client.SendAsync(request);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    return ((await response.Content.ReadFromJsonAsync<JsonObject>())!["task_id"]!.GetValue<string>(), retries);
                }

                if (response.StatusCode == HttpStatusCode.Conflict)
                {
                    conflictSince ??= DateTime.UtcNow;
                    if (DateTime.UtcNow - conflictSince > TimeSpan.FromSeconds(10))
                    {
                        key = $"scale-{i}-{attempt}";
                        conflictSince = null;
                    }
                }
                else if ((int)response.StatusCode is not (502 or 503 or 504))
                {
                    throw new InvalidOperationException($"task {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
            catch (HttpRequestException)
            {
            }

            retries++;
            await Task.Delay(100);
        }

        throw new TimeoutException($"task {i} could not be submitted");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, TimeSpan timeout, Func<string> explain)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"not within {timeout.TotalSeconds} s: {explain()}");
            }

            await Task.Delay(250);
        }
    }
}
