using System.Net;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.Tasks;

public sealed class TaskIdempotencyTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private NanogateServer Server => fixture.Server;

    [Fact]
    public async Task Same_key_and_body_replays_the_first_answer_and_creates_one_task()
    {
        var account = await Server.CreateAccountAsync(1000);
        using var client = account.Client();
        var body = new { model = "nano-banana-2-lite", prompt = "idempotent cat", n = 2 };
        var first = await TaskApi.SubmitAsync(client, body, r => r.Headers.Add("Idempotency-Key", "key-1"));
        var second = await TaskApi.SubmitAsync(client, body, r => r.Headers.Add("Idempotency-Key", "key-1"));
        Assert.Equal(HttpStatusCode.Accepted, first.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, second.StatusCode);
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());

        var list = await TaskApi.JsonAsync(await client.GetAsync("/v1/tasks"));
        Assert.Single(list["data"]!.AsArray());
        await TaskApi.WaitForEndAsync(client, list["data"]![0]!["task_id"]!.GetValue<string>());
        Assert.Equal(90, (await account.BalanceAsync()).Charged);
        await Server.AssertLedgerConsistentAsync(account.Id);
    }

    [Fact]
    public async Task Same_key_with_a_different_body_is_422()
    {
        var account = await Server.CreateAccountAsync(1000);
        using var client = account.Client();
        Assert.Equal(HttpStatusCode.Accepted, (await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "one" }, r => r.Headers.Add("Idempotency-Key", "key-2"))).StatusCode);
        var reused = await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "two" }, r => r.Headers.Add("Idempotency-Key", "key-2"));
        Assert.Equal((HttpStatusCode)422, reused.StatusCode);
        Assert.Equal("idempotency_key_reused", (await TaskApi.JsonAsync(reused))["error"]!["code"]!.GetValue<string>());
    }

    [Fact]
    public async Task Keys_are_per_account()
    {
        var a = await Server.CreateAccountAsync(1000, "a");
        var b = await Server.CreateAccountAsync(1000, "b");
        using var ca = a.Client();
        using var cb = b.Client();
        var ra = await TaskApi.SubmitAsync(ca, new { model = "nano-banana-2-lite", prompt = "one" }, r => r.Headers.Add("Idempotency-Key", "shared"));
        var rb = await TaskApi.SubmitAsync(cb, new { model = "nano-banana-2-lite", prompt = "other" }, r => r.Headers.Add("Idempotency-Key", "shared"));
        Assert.Equal(HttpStatusCode.Accepted, ra.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, rb.StatusCode);
        Assert.False(rb.Headers.Contains("Idempotent-Replayed"));
    }

    [Fact]
    public async Task A_failed_validation_does_not_burn_the_key()
    {
        var account = await Server.CreateAccountAsync(1000);
        using var client = account.Client();
        var bad = await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "x", n = "2" }, r => r.Headers.Add("Idempotency-Key", "key-3"));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var fixedUp = await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "x", n = 2 }, r => r.Headers.Add("Idempotency-Key", "key-3"));
        Assert.Equal(HttpStatusCode.Accepted, fixedUp.StatusCode);
    }

    [Fact]
    public async Task Same_key_while_the_first_is_held_is_409_then_replays_the_final_answer()
    {
        var account = await Server.CreateAccountAsync(1000);
        using var client = account.Client();
        var body = new { model = "nano-banana-2-lite", prompt = "held [sim:slow:2000]" };
        var first = TaskApi.SubmitAsync(client, body, r =>
        {
            r.Headers.Add("Idempotency-Key", "key-4");
            r.Headers.Add("Prefer", "wait=20");
        });
        await Task.Delay(700);
        var concurrent = await TaskApi.SubmitAsync(client, body, r => r.Headers.Add("Idempotency-Key", "key-4"));
        Assert.Equal(HttpStatusCode.Conflict, concurrent.StatusCode);
        Assert.Equal("idempotency_key_in_use", (await TaskApi.JsonAsync(concurrent))["error"]!["code"]!.GetValue<string>());

        var done = await first;
        Assert.Equal(HttpStatusCode.OK, done.StatusCode);
        var replay = await TaskApi.SubmitAsync(client, body, r => r.Headers.Add("Idempotency-Key", "key-4"));
        Assert.Equal(HttpStatusCode.OK, replay.StatusCode);
        Assert.Equal("true", replay.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(await done.Content.ReadAsStringAsync(), await replay.Content.ReadAsStringAsync());
    }
}
