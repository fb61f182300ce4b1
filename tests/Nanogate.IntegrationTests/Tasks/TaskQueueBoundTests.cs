using System.Net;
using System.Text.Json.Nodes;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.Tasks;

/// <summary>
/// Backpressure (issue 13): unfinished tasks may hold at most <c>Tasks:MaxQueuedImagesPerAccount</c> images per account
/// and <c>Tasks:MaxQueuedImages</c> in all; past either, 429 <c>queue_full</c> with <c>Retry-After</c>, nothing held.
/// </summary>
public sealed class TaskQueueBoundTests
{
    // One worker and a slow upstream: everything submitted stays unfinished for the whole test.
    private const string Slow = "a slow fox [sim:slow:8000]";

    private static async Task<string> SubmitOkAsync(HttpClient client, string prompt, int n)
    {
        var response = await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt, n });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await TaskApi.JsonAsync(response))["task_id"]!.GetValue<string>();
    }

    private static async Task<JsonObject> SubmitRefusedAsync(HttpClient client, int n)
    {
        var response = await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = Slow, n });
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("7", response.Headers.GetValues("Retry-After").Single());
        var error = (await TaskApi.JsonAsync(response))["error"]!.AsObject();
        Assert.Equal("queue_full", error["code"]!.GetValue<string>());
        return error;
    }

    [Fact]
    public async Task Past_the_per_account_and_the_total_bound_a_submission_is_429_with_retry_after_and_holds_nothing()
    {
        await using var server = await NanogateServer.StartAsync(
            "Tasks:Workers=1", "Tasks:MaxQueuedImagesPerAccount=3", "Tasks:MaxQueuedImages=5", "Tasks:QueueFullRetryAfterSeconds=7");
        var a = await server.CreateAccountAsync(1_000, "a");
        var b = await server.CreateAccountAsync(1_000, "b");
        using var clientA = a.Client();
        using var clientB = b.Client();

        await SubmitOkAsync(clientA, Slow, 2);
        await SubmitOkAsync(clientA, Slow, 1);
        var perAccount = await SubmitRefusedAsync(clientA, 1);
        Assert.Contains("this account has 3 images in unfinished tasks and may have at most 3", perAccount["message"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1_000 - (3 * 45), (await a.BalanceAsync()).Available);

        await SubmitOkAsync(clientB, Slow, 2);
        var total = await SubmitRefusedAsync(clientB, 1);
        Assert.Contains("5 images are queued, the most it takes is 5", total["message"]!.GetValue<string>(), StringComparison.Ordinal);
        var balanceB = await b.BalanceAsync();
        Assert.Equal(1_000 - (2 * 45), balanceB.Available);
        Assert.Equal(2 * 45, balanceB.Reserved);
    }

    [Fact]
    public async Task Finished_tasks_do_not_count_against_the_bound()
    {
        await using var server = await NanogateServer.StartAsync("Tasks:MaxQueuedImagesPerAccount=1");
        var account = await server.CreateAccountAsync(1_000);
        using var client = account.Client();
        for (var i = 0; i < 3; i++)
        {
            var id = await SubmitOkAsync(client, "a quick fox", 1);
            Assert.Equal("succeeded", (await TaskApi.WaitForEndAsync(client, id))["status"]!.GetValue<string>());
        }

        Assert.Equal(1_000 - (3 * 45), (await account.BalanceAsync()).Available);
        await server.AssertLedgerConsistentAsync(account.Id);
    }
}
