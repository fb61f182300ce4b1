using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Nanogate.IntegrationTests.Gemini;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.IntegrationTests.Tasks;
using Nanogate.Pipeline;
using Nanogate.Upstreams.Routing;

namespace Nanogate.IntegrationTests.Pipeline;

/// <summary>
/// Backpressure for the synchronous generation routes (issue 13): at most <c>Limits:MaxSyncGenerations</c> at once per
/// process and <c>Limits:MaxSyncGenerationsPerAccount</c> per account, a short wait queue; past them 429 with
/// <c>Retry-After</c> in each dialect's own shape, nothing held or charged, and service again once slots free.
/// Slots are held by requests to a simulator told to take a minute (<c>[sim:slow:60000]</c>); the test lets go of them by
/// cancelling those requests, and watches the gate's own counters to know when a slot is taken, queued or free.
/// </summary>
public sealed class SyncBackpressureTests
{
    private const string Generate = "/v1beta/models/nano-banana-2-lite:generateContent";
    private const string Holding = "hold a slot [sim:slow:60000]";

    [Theory]
    [InlineData(Generate)]
    [InlineData("/openai/v1/images/generations")]
    public async Task Of_n_plus_one_requests_at_once_against_a_bound_of_n_exactly_the_extra_one_is_refused_and_nothing_is_lost(string route)
    {
        await using var server = await NanogateServer.StartAsync("Limits:MaxSyncGenerations=3", "Limits:SyncQueueLength=0", "Limits:SyncRetryAfterSeconds=7");
        var account = await server.CreateAccountAsync(100_000);
        using var client = account.Client();
        var gate = server.Services.GetRequiredService<SyncGenerationGate>();
        object Body(string prompt) => route == Generate ? GeminiDialectTests.Body(prompt) : new { model = "nano-banana-2-lite", prompt };

        using var release = new CancellationTokenSource();
        var all = Enumerable.Range(0, 4).Select(_ => client.PostAsJsonAsync(route, Body(Holding), release.Token)).ToList();
        await WaitUntilAsync(() => gate.InFlight == 3 && all.Count(t => t.IsCompleted) == 1, "three requests hold the slots and one has its answer");
        var refused = all.Single(t => t.IsCompleted);
        if (route == Generate)
        {
            await AssertGeminiBusyAsync(await refused, "all 3 synchronous generation slots are busy");
        }
        else
        {
            await AssertOpenAiBusyAsync(await refused, "all 3 synchronous generation slots are busy");
        }

        await LetGoAsync(release, [.. all.Where(t => t != refused)], gate);
        var balance = await account.BalanceAsync();
        Assert.Equal((100_000L, 0L, 0L), (balance.Available, balance.Reserved, balance.Charged));
        using (var again = await client.PostAsJsonAsync(route, Body("a fox")))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        await server.AssertLedgerConsistentAsync(account.Id);
    }

    [Fact]
    public async Task Past_the_process_bound_every_synchronous_route_answers_429_in_its_dialect_and_the_refused_account_loses_nothing()
    {
        await using var server = await NanogateServer.StartAsync("Limits:MaxSyncGenerations=2", "Limits:SyncQueueLength=0", "Limits:SyncRetryAfterSeconds=7");
        var a = await server.CreateAccountAsync(100_000, "a");
        var b = await server.CreateAccountAsync(100_000, "b");
        using var clientA = a.Client();
        using var clientB = b.Client();
        var gate = server.Services.GetRequiredService<SyncGenerationGate>();

        using var release = new CancellationTokenSource();
        var holders = Enumerable.Range(0, 2).Select(_ => clientA.PostAsJsonAsync(Generate, GeminiDialectTests.Body(Holding), release.Token)).ToList();
        await WaitUntilAsync(() => gate.InFlight == 2, "the two requests of account a hold both slots");
        var before = await b.BalanceAsync();

        const string Busy = "all 2 synchronous generation slots are busy (Limits:MaxSyncGenerations)";
        await AssertGeminiBusyAsync(await clientB.PostAsJsonAsync(Generate, GeminiDialectTests.Body("a fox")), Busy);
        await AssertGeminiBusyAsync(await clientB.PostAsJsonAsync("/v1/models/nano-banana-2-lite:generateContent", GeminiDialectTests.Body("a fox")), Busy);
        await AssertGeminiBusyAsync(await clientB.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:streamGenerateContent?alt=sse", GeminiDialectTests.Body("a fox")), Busy);
        await AssertOpenAiBusyAsync(await clientB.PostAsJsonAsync("/openai/v1/images/generations", new { model = "nano-banana-2-lite", prompt = "a fox" }), Busy);
        await AssertOpenAiBusyAsync(await clientB.PostAsJsonAsync("/sync/v1/images/generations", new { model = "nano-banana-2-lite", prompt = "a fox" }), Busy);
        using (var edit = EditForm())
        {
            await AssertOpenAiBusyAsync(await clientB.PostAsync("/openai/v1/images/edits", edit), Busy);
        }

        // A large body is refused unread, and the caller still gets the answer (not a reset connection).
        var large = GeminiDialectTests.Body("a fox");
        large["contents"]![0]!["parts"]!.AsArray().Add(new JsonObject
        {
            ["inlineData"] = new JsonObject { ["mimeType"] = "image/png", ["data"] = Convert.ToBase64String(TestImages.PngPadded(8 * 1024 * 1024)) },
        });
        await AssertGeminiBusyAsync(await clientB.PostAsJsonAsync(Generate, large), Busy);
        using (var edit = EditForm(TestImages.PngPadded(8 * 1024 * 1024)))
        {
            await AssertOpenAiBusyAsync(await clientB.PostAsync("/openai/v1/images/edits", edit), Busy);
        }

        // A key set to images_api "sync" is bounded on the task route too; a task key is not (tasks have their own queue bounds).
        Assert.Equal(HttpStatusCode.OK, (await server.Admin.PatchAsJsonAsync($"/admin/v1/keys/{b.KeyId}", new { images_api = "sync" })).StatusCode);
        await AssertOpenAiBusyAsync(await clientB.PostAsJsonAsync("/v1/images/generations", new { model = "nano-banana-2-lite", prompt = "a fox" }), Busy);
        var task = await clientA.PostAsJsonAsync("/v1/images/generations", new { model = "nano-banana-2-lite", prompt = "a fox" });
        Assert.Equal(HttpStatusCode.Accepted, task.StatusCode);
        var taskId = (await TaskApi.JsonAsync(task))["task_id"]!.GetValue<string>();

        var after = await b.BalanceAsync();
        Assert.Equal(before, after);
        Assert.Equal(0, after.Reserved);
        Assert.Equal(0, after.Charged);
        var metrics = PrometheusText.Parse(await server.Client.GetStringAsync("/metrics"));
        Assert.Equal(4, metrics.Value("nanogate_sync_refused_total", ("dialect", "gemini"), ("reason", "server")));
        Assert.Equal(5, metrics.Value("nanogate_sync_refused_total", ("dialect", "openai"), ("reason", "server")));
        Assert.Equal(2, metrics.Value("nanogate_sync_in_flight"));

        await LetGoAsync(release, holders, gate);
        using (var gemini = await clientB.PostAsJsonAsync(Generate, GeminiDialectTests.Body("a fox")))
        {
            Assert.Equal(HttpStatusCode.OK, gemini.StatusCode);
        }

        using (var openai = await clientB.PostAsJsonAsync("/v1/images/generations", new { model = "nano-banana-2-lite", prompt = "a fox" }))
        {
            Assert.Equal(HttpStatusCode.OK, openai.StatusCode);
        }

        using (var edit = EditForm())
        using (var edited = await clientB.PostAsync("/openai/v1/images/edits", edit))
        {
            Assert.Equal(HttpStatusCode.OK, edited.StatusCode);
        }

        // The cancelled holders charged nothing and left no hold: a paid for its task alone.
        Assert.Equal("succeeded", (await TaskApi.WaitForEndAsync(clientA, taskId))["status"]!.GetValue<string>());
        var balanceA = await a.BalanceAsync();
        Assert.Equal(45, balanceA.Charged);
        Assert.Equal(0, balanceA.Reserved);
        await server.AssertLedgerConsistentAsync(a.Id);
        await server.AssertLedgerConsistentAsync(b.Id);
        await WaitUntilAsync(() => gate.InFlight == 0, "every slot is given back");
    }

    [Fact]
    public async Task One_account_cannot_take_every_slot_its_extra_request_is_refused_at_once_while_another_account_is_served()
    {
        await using var server = await NanogateServer.StartAsync(
            "Limits:MaxSyncGenerations=3", "Limits:MaxSyncGenerationsPerAccount=2", "Limits:SyncQueueLength=4", "Limits:SyncRetryAfterSeconds=7");
        var a = await server.CreateAccountAsync(100_000, "a");
        var b = await server.CreateAccountAsync(100_000, "b");
        using var clientA = a.Client();
        using var clientB = b.Client();
        var gate = server.Services.GetRequiredService<SyncGenerationGate>();

        using var release = new CancellationTokenSource();
        var holders = Enumerable.Range(0, 2).Select(_ => clientA.PostAsJsonAsync(Generate, GeminiDialectTests.Body(Holding), release.Token)).ToList();
        // Its credits are held before the upstream is called: once both calls are out, the balance is settled for the test.
        var router = server.Services.GetRequiredService<ChannelRouter>();
        await WaitUntilAsync(() => gate.InFlight == 2 && router.Channels.Sum(c => c.InFlight) == 2, "account a holds its two slots and both calls are out");
        var before = await a.BalanceAsync();
        Assert.True(before.Reserved > 0);

        // Refused without waiting in the queue, though the queue has room: the account is at its own bound.
        const string AccountBusy = "this account already has 2 in progress on this server, the most one account may have (Limits:MaxSyncGenerationsPerAccount)";
        await AssertOpenAiBusyAsync(await clientA.PostAsJsonAsync("/openai/v1/images/generations", new { model = "nano-banana-2-lite", prompt = "a fox" }), AccountBusy);
        await AssertGeminiBusyAsync(await clientA.PostAsJsonAsync(Generate, GeminiDialectTests.Body("a fox")), AccountBusy);
        Assert.Equal(0, gate.Queued);
        Assert.Equal(before, await a.BalanceAsync());

        // The third slot is another account's to take.
        using (var served = await clientB.PostAsJsonAsync("/openai/v1/images/generations", new { model = "nano-banana-2-lite", prompt = "a fox" }))
        {
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        }

        // b's slot is given back once its response is complete (a moment after the client has it).
        await WaitUntilAsync(() => gate.InFlight == 2, "b's slot is given back");
        var metrics = PrometheusText.Parse(await server.Client.GetStringAsync("/metrics"));
        Assert.Equal(1, metrics.Value("nanogate_sync_refused_total", ("dialect", "openai"), ("reason", "account")));
        Assert.Equal(1, metrics.Value("nanogate_sync_refused_total", ("dialect", "gemini"), ("reason", "account")));

        await LetGoAsync(release, holders, gate);
        using (var again = await clientA.PostAsJsonAsync("/openai/v1/images/generations", new { model = "nano-banana-2-lite", prompt = "a fox" }))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
        }

        await server.AssertLedgerConsistentAsync(a.Id);
    }

    [Fact]
    public async Task The_queue_serves_a_waiting_request_when_a_slot_frees_refuses_past_its_length_and_gives_up_after_its_wait()
    {
        await using var server = await NanogateServer.StartAsync(
            "Limits:MaxSyncGenerations=1", "Limits:SyncQueueLength=1", "Limits:SyncQueueSeconds=3", "Limits:SyncRetryAfterSeconds=7");
        var a = await server.CreateAccountAsync(100_000, "a");
        var b = await server.CreateAccountAsync(100_000, "b");
        using var clientA = a.Client();
        using var clientB = b.Client();
        var gate = server.Services.GetRequiredService<SyncGenerationGate>();

        using var release = new CancellationTokenSource();
        var holders = new List<Task<HttpResponseMessage>> { clientA.PostAsJsonAsync(Generate, GeminiDialectTests.Body(Holding), release.Token) };
        await WaitUntilAsync(() => gate.InFlight == 1, "account a holds the one slot");
        var before = await b.BalanceAsync();

        // One waits; the next finds the queue full and is refused at once; the waiting one gives up after 3 s.
        var waiting = clientB.PostAsJsonAsync(Generate, GeminiDialectTests.Body("a fox"));
        await WaitUntilAsync(() => gate.Queued == 1, "b's first request waits in the queue");
        await AssertGeminiBusyAsync(await clientB.PostAsJsonAsync(Generate, GeminiDialectTests.Body("a fox")),
            "all 1 synchronous generation slots are busy and 1 requests are already waiting for one (Limits:MaxSyncGenerations, Limits:SyncQueueLength)");
        await AssertGeminiBusyAsync(await waiting, "this request waited 3 s (Limits:SyncQueueSeconds) and none of the 1 synchronous generation slots came free");
        Assert.Equal(0, gate.Queued);
        Assert.Equal(before, await b.BalanceAsync());

        // A request waiting when the slot frees takes it and is served.
        var served = clientB.PostAsJsonAsync("/openai/v1/images/generations", new { model = "nano-banana-2-lite", prompt = "a fox" });
        await WaitUntilAsync(() => gate.Queued == 1, "b's request waits in the queue");
        await LetGoAsync(release, holders, gate: null);
        using (var answer = await served)
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        var metrics = PrometheusText.Parse(await server.Client.GetStringAsync("/metrics"));
        Assert.Equal(1, metrics.Value("nanogate_sync_refused_total", ("dialect", "gemini"), ("reason", "server")));
        Assert.Equal(1, metrics.Value("nanogate_sync_refused_total", ("dialect", "gemini"), ("reason", "queue_timeout")));
        Assert.Equal(45, (await b.BalanceAsync()).Charged);
        await server.AssertLedgerConsistentAsync(b.Id);
    }

    [Theory]
    [InlineData("Limits:MaxSyncGenerations=0", "Limits:MaxSyncGenerations must be between 1 and 100000.")]
    [InlineData("Limits:MaxSyncGenerationsPerAccount=0", "Limits:MaxSyncGenerationsPerAccount must be between 1 and 100000.")]
    [InlineData("Limits:SyncQueueLength=-1", "Limits:SyncQueueLength must be between 0 and 100000.")]
    [InlineData("Limits:SyncQueueSeconds=0", "Limits:SyncQueueSeconds must be between 1 and 600.")]
    [InlineData("Limits:SyncRetryAfterSeconds=0", "Limits:SyncRetryAfterSeconds must be between 1 and 3600.")]
    public async Task A_bound_out_of_range_stops_the_server_at_start_naming_the_key(string setting, string message)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => NanogateServer.StartAsync(setting));
        Assert.Contains(message, failure.Message, StringComparison.Ordinal);
    }

    private static MultipartFormDataContent EditForm(byte[]? png = null)
    {
        var image = new ByteArrayContent(png ?? TestImages.Png(64, 48));
        image.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return new MultipartFormDataContent { { new StringContent("make it blue"), "prompt" }, { new StringContent("nano-banana-2-lite"), "model" }, { image, "image", "in.png" } };
    }

    private static async Task AssertGeminiBusyAsync(HttpResponseMessage response, string message)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal("7", response.Headers.GetValues("Retry-After").Single());
            var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.AsObject();
            Assert.Equal(429, error["code"]!.GetValue<int>());
            Assert.Equal("RESOURCE_EXHAUSTED", error["status"]!.GetValue<string>());
            Assert.Contains(message, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
            Assert.EndsWith("Nothing was held or charged.", error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    private static async Task AssertOpenAiBusyAsync(HttpResponseMessage response, string message)
    {
        using (response)
        {
            Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
            Assert.Equal("7", response.Headers.GetValues("Retry-After").Single());
            var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!.AsObject();
            Assert.Equal("requests", error["type"]!.GetValue<string>());
            Assert.Equal("concurrency_limit_exceeded", error["code"]!.GetValue<string>());
            Assert.Null(error["param"]);
            Assert.Contains(message, error["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }
    }

    /// <summary>Cancels the requests holding slots and waits until the gate has them all back.</summary>
    private static async Task LetGoAsync(CancellationTokenSource release, List<Task<HttpResponseMessage>> holders, SyncGenerationGate? gate)
    {
        await release.CancelAsync();
        foreach (var holder in holders)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => holder);
        }

        if (gate is not null)
        {
            await WaitUntilAsync(() => gate.InFlight == 0, "the cancelled requests give their slots back");
        }
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting until {what}");
            await Task.Delay(10);
        }
    }
}
