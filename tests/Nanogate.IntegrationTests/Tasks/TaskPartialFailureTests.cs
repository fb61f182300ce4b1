using System.Net;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.Tasks;

public sealed class TaskPartialFailureTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private NanogateServer Server => fixture.Server;

    [Fact]
    public async Task One_of_two_images_blocked_is_partially_succeeded_with_45_charged_and_45_refunded()
    {
        var account = await Server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var response = await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = $"two foxes {Guid.NewGuid():N} [sim:blocked:1]", aspect_ratio = "16:9", n = 2 });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var task = await TaskApi.WaitForEndAsync(client, (await TaskApi.JsonAsync(response))["task_id"]!.GetValue<string>());

        Assert.Equal("partially_succeeded", task["status"]!.GetValue<string>());
        var images = task["images"]!.AsArray();
        Assert.Single(images, i => i!["status"]!.GetValue<string>() == "succeeded");
        var failed = images.Single(i => i!["status"]!.GetValue<string>() == "failed")!;
        Assert.Equal("content_blocked", failed["error"]!["code"]!.GetValue<string>());
        Assert.Equal(45, task["credits"]!["charged"]!.GetValue<int>());
        Assert.Equal(45, task["credits"]!["refunded"]!.GetValue<int>());
        Assert.Equal(90, task["credits"]!["reserved"]!.GetValue<int>());
        Assert.Equal(955, (await account.BalanceAsync()).Available);
        await Server.AssertLedgerConsistentAsync(account.Id);
    }

    [Fact]
    public async Task A_transient_upstream_failure_is_retried_and_billed_once()
    {
        await using var server = await NanogateServer.StartAsync("Tasks:RetryBaseDelayMs=50");
        var account = await server.CreateAccountAsync(1_000);
        using var client = account.Client();
        var response = await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = $"retry me {Guid.NewGuid():N} [sim:503:1]" });
        var task = await TaskApi.WaitForEndAsync(client, (await TaskApi.JsonAsync(response))["task_id"]!.GetValue<string>());
        Assert.Equal("succeeded", task["status"]!.GetValue<string>());
        Assert.Equal(45, task["credits"]!["charged"]!.GetValue<int>());
        Assert.Equal(955, (await account.BalanceAsync()).Available);
        await server.AssertLedgerConsistentAsync(account.Id);
    }
}
