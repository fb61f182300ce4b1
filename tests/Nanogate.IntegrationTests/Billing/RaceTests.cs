using System.Net;
using System.Net.Http.Json;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.IntegrationTests.Tasks;

namespace Nanogate.IntegrationTests.Billing;

/// <summary>
/// The race campaign (issue 13, 3d), with exact money: concurrent submits against a small balance, cancel against
/// completion, one idempotency key from many clients, top-ups during reservations. A lite image at 1K costs 45.
/// </summary>
public sealed class RaceTests
{
    private const long Price = 45;

    private static async Task<HttpResponseMessage[]> AllAtOnceAsync(int count, Func<int, Task<HttpResponseMessage>> send)
    {
        using var start = new ManualResetEventSlim();
        var calls = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await send(i);
        })).ToArray();
        start.Set();
        return await Task.WhenAll(calls);
    }

    [Fact]
    public async Task Concurrent_task_submits_accept_exactly_floor_balance_over_price_and_never_go_negative()
    {
        await using var server = await NanogateServer.StartAsync();
        var account = await server.CreateAccountAsync((3 * Price) + 20);
        using var client = account.Client();

        var answers = await AllAtOnceAsync(24, _ => TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "race" }));
        Assert.Equal(3, answers.Count(a => a.StatusCode == HttpStatusCode.Accepted));
        Assert.Equal(21, answers.Count(a => a.StatusCode == HttpStatusCode.PaymentRequired));
        Assert.Equal(20, (await account.BalanceAsync()).Available);

        foreach (var accepted in answers.Where(a => a.StatusCode == HttpStatusCode.Accepted))
        {
            var id = (await TaskApi.JsonAsync(accepted))["task_id"]!.GetValue<string>();
            Assert.Equal("succeeded", (await TaskApi.WaitForEndAsync(client, id))["status"]!.GetValue<string>());
        }

        var balance = await account.BalanceAsync();
        Assert.Equal(20, balance.Available);
        Assert.Equal(3 * Price, balance.Charged);
        Assert.Equal(0, balance.Reserved);
        await server.AssertLedgerConsistentAsync(account.Id);
    }

    [Fact]
    public async Task Concurrent_synchronous_requests_never_charge_past_the_balance()
    {
        await using var server = await NanogateServer.StartAsync();
        var account = await server.CreateAccountAsync((3 * Price) + 20);
        using var client = account.Client();

        var answers = await AllAtOnceAsync(24, _ => client.PostAsJsonAsync("/openai/v1/images/generations", new { model = "nano-banana-2-lite", prompt = "race", response_format = "b64_json" }));
        var served = answers.Count(a => a.StatusCode == HttpStatusCode.OK);
        Assert.Equal(24 - served, answers.Count(a => a.StatusCode == HttpStatusCode.TooManyRequests)); // insufficient_quota
        // The first three holds always fit and always succeed; a fourth charge would make 155 credits negative.
        Assert.Equal(3, served);
        var balance = await account.BalanceAsync();
        Assert.Equal(3 * Price, balance.Charged);
        Assert.Equal(20, balance.Available);
        await server.AssertLedgerConsistentAsync(account.Id);
    }

    [Fact]
    public async Task Cancel_racing_completion_charges_or_refunds_each_image_exactly_once()
    {
        await using var server = await NanogateServer.StartAsync("Tasks:Workers=2", "Simulator:LatencyMs=40");
        const long credits = 100_000;
        var account = await server.CreateAccountAsync(credits);
        using var client = account.Client();

        long charged = 0;
        for (var round = 0; round < 12; round++)
        {
            var submitted = await TaskApi.JsonAsync(await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = $"cancel race {round}", n = 4 }));
            var id = submitted["task_id"]!.GetValue<string>();
            await Task.Delay(round * 15); // cancel at a different point of the task each round
            var cancel = await client.PostAsync($"/v1/tasks/{id}/cancel", null);
            Assert.True(cancel.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"cancel answered {cancel.StatusCode}");

            var task = await TaskApi.WaitForEndAsync(client, id);
            var images = task["images"]!.AsArray();
            var succeeded = images.Count(i => i!["status"]!.GetValue<string>() == "succeeded");
            Assert.All(images, i => Assert.Contains(i!["status"]!.GetValue<string>(), new[] { "succeeded", "canceled" }));
            var credit = task["credits"]!.AsObject();
            Assert.Equal(4 * Price, credit["reserved"]!.GetValue<long>());
            Assert.Equal(succeeded * Price, credit["charged"]!.GetValue<long>());
            Assert.Equal((4 - succeeded) * Price, credit["refunded"]!.GetValue<long>());
            charged += succeeded * Price;
        }

        var balance = await account.BalanceAsync();
        Assert.Equal(charged, balance.Charged);
        Assert.Equal(credits - charged, balance.Available);
        Assert.Equal(0, balance.Reserved);
        await server.AssertLedgerConsistentAsync(account.Id);
    }

    [Fact]
    public async Task One_idempotency_key_from_many_concurrent_clients_makes_one_task_charged_once()
    {
        await using var server = await NanogateServer.StartAsync();
        var account = await server.CreateAccountAsync(1_000);
        var clients = Enumerable.Range(0, 16).Select(_ => account.Client()).ToArray();
        try
        {
            var answers = await AllAtOnceAsync(clients.Length, i => TaskApi.SubmitAsync(clients[i], new { model = "nano-banana-2-lite", prompt = "once" },
                r => r.Headers.Add("Idempotency-Key", "race-key-1")));
            Assert.All(answers, a => Assert.True(a.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.Conflict, $"answered {a.StatusCode}"));
            var ids = new HashSet<string>();
            foreach (var accepted in answers.Where(a => a.StatusCode == HttpStatusCode.Accepted))
            {
                ids.Add((await TaskApi.JsonAsync(accepted))["task_id"]!.GetValue<string>());
            }

            var id = Assert.Single(ids);
            Assert.Equal("succeeded", (await TaskApi.WaitForEndAsync(clients[0], id))["status"]!.GetValue<string>());

            // Every later retry with the key replays the same task.
            var replay = await TaskApi.SubmitAsync(clients[1], new { model = "nano-banana-2-lite", prompt = "once" }, r => r.Headers.Add("Idempotency-Key", "race-key-1"));
            Assert.Equal(id, (await TaskApi.JsonAsync(replay))["task_id"]!.GetValue<string>());

            var list = await TaskApi.JsonAsync(await clients[0].GetAsync("/v1/tasks?limit=100"));
            Assert.Single(list["data"]!.AsArray());
            var balance = await account.BalanceAsync();
            Assert.Equal(Price, balance.Charged);
            Assert.Equal(1_000 - Price, balance.Available);
        }
        finally
        {
            foreach (var c in clients)
            {
                c.Dispose();
            }
        }
    }

    [Fact]
    public async Task Top_ups_during_reservations_are_all_counted_and_nothing_is_held_twice()
    {
        await using var server = await NanogateServer.StartAsync();
        var account = await server.CreateAccountAsync(0);
        using var client = account.Client();

        // 10 top-ups of one image each race 20 submits: whatever interleaving, money adds up to the credit.
        var answers = await AllAtOnceAsync(30, i => i % 3 == 0
            ? server.Admin.PostAsJsonAsync($"/admin/v1/accounts/{account.Id}/credits", new { credits = Price })
            : TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = $"top-up race {i}" }));
        Assert.All(answers.Where((_, i) => i % 3 == 0), a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        var submits = answers.Where((_, i) => i % 3 != 0).ToList();
        Assert.All(submits, a => Assert.True(a.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.PaymentRequired, $"answered {a.StatusCode}"));
        var accepted = submits.Where(a => a.StatusCode == HttpStatusCode.Accepted).ToList();
        Assert.InRange(accepted.Count, 0, 10);

        foreach (var a in accepted)
        {
            var id = (await TaskApi.JsonAsync(a))["task_id"]!.GetValue<string>();
            Assert.Equal("succeeded", (await TaskApi.WaitForEndAsync(client, id))["status"]!.GetValue<string>());
        }

        var balance = await account.BalanceAsync();
        Assert.Equal(10 * Price, balance.ToppedUp);
        Assert.Equal(accepted.Count * Price, balance.Charged);
        Assert.Equal((10 - accepted.Count) * Price, balance.Available);
        Assert.Equal(0, balance.Reserved);
        await server.AssertLedgerConsistentAsync(account.Id);
    }
}
