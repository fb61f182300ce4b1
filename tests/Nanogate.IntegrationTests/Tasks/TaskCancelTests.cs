using System.Net;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.Tasks;

/// <summary>Cancellation with one worker, so that queued images stay queued while a slow one runs.</summary>
public sealed class TaskCancelTests : IAsyncLifetime
{
    private NanogateServer _server = null!;

    public async Task InitializeAsync() => _server = await NanogateServer.StartAsync("Tasks:Workers=1");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Canceling_a_queued_task_cancels_and_refunds_everything()
    {
        var account = await _server.CreateAccountAsync(1000);
        using var client = account.Client();
        var blocker = await TaskApi.JsonAsync(await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "blocker [sim:slow:2000]" }));
        await Task.Delay(300);
        var queued = await TaskApi.JsonAsync(await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "to cancel", n = 2 }));
        var taskId = queued["task_id"]!.GetValue<string>();

        var response = await client.PostAsync($"/v1/tasks/{taskId}/cancel", null);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var canceled = await TaskApi.JsonAsync(response);
        Assert.Equal("canceled", canceled["status"]!.GetValue<string>());
        Assert.All(canceled["images"]!.AsArray(), i => Assert.Equal("canceled", i!["status"]!.GetValue<string>()));
        Assert.Equal(0, canceled["credits"]!["charged"]!.GetValue<int>());
        Assert.Equal(90, canceled["credits"]!["refunded"]!.GetValue<int>());
        Assert.Equal("canceled", canceled["error"]!["code"]!.GetValue<string>());

        // Canceling again is harmless and answers the same final task.
        var again = await TaskApi.JsonAsync(await client.PostAsync($"/v1/tasks/{taskId}/cancel", null));
        Assert.Equal("canceled", again["status"]!.GetValue<string>());

        var done = await TaskApi.WaitForEndAsync(client, blocker["task_id"]!.GetValue<string>());
        Assert.Equal("succeeded", done["status"]!.GetValue<string>());
        var balance = await account.BalanceAsync();
        Assert.Equal(955, balance.Available);
        await _server.AssertLedgerConsistentAsync(account.Id);
    }

    [Fact]
    public async Task Canceling_mid_task_lets_the_running_image_finish_and_refunds_the_rest()
    {
        var account = await _server.CreateAccountAsync(1000);
        using var client = account.Client();
        var accepted = await TaskApi.JsonAsync(await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "two slow [sim:slow:1500]", n = 2 }));
        var taskId = accepted["task_id"]!.GetValue<string>();
        await Task.Delay(500);

        var canceled = await TaskApi.JsonAsync(await client.PostAsync($"/v1/tasks/{taskId}/cancel", null));
        Assert.Equal("running", canceled["status"]!.GetValue<string>());

        var task = await TaskApi.WaitForEndAsync(client, taskId);
        Assert.Equal("partially_succeeded", task["status"]!.GetValue<string>());
        var statuses = task["images"]!.AsArray().Select(i => i!["status"]!.GetValue<string>()).ToList();
        Assert.Equal(["succeeded", "canceled"], statuses);
        Assert.Equal(45, task["credits"]!["charged"]!.GetValue<int>());
        Assert.Equal(45, task["credits"]!["refunded"]!.GetValue<int>());
        Assert.Equal(955, (await account.BalanceAsync()).Available);
        await _server.AssertLedgerConsistentAsync(account.Id);
    }
}
