using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.IntegrationTests.Tasks;

namespace Nanogate.IntegrationTests.Admin;

public sealed class AdminTasksAndUsageTests(ServerFixture fixture) : IClassFixture<ServerFixture>
{
    private NanogateServer Server => fixture.Server;

    [Fact]
    public async Task Recent_tasks_and_usage_per_account_and_model_add_up()
    {
        var account = await Server.CreateAccountAsync(1_000, "usage-test");
        using var client = account.Client();
        var submitted = await TaskApi.JsonAsync(await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = $"usage {Guid.NewGuid():N} [sim:blocked:1]", n = 2 }));
        var taskId = submitted["task_id"]!.GetValue<string>();
        await TaskApi.WaitForEndAsync(client, taskId);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsJsonAsync("/v1beta/models/nano-banana-2-lite:generateContent", Gemini.GeminiDialectTests.Body("x"))).StatusCode);

        var tasks = (await Server.Admin.GetFromJsonAsync<JsonObject>($"/admin/v1/tasks?account_id={account.Id}"))!;
        var task = tasks["data"]!.AsArray().Single(t => t!["id"]?.GetValue<string>() == taskId || t!["task_id"]?.GetValue<string>() == taskId)!;
        Assert.Equal("partially_succeeded", task["status"]!.GetValue<string>());
        Assert.Equal(45, task["credits"]!["charged"]!.GetValue<long>());

        var usage = (await Server.Admin.GetFromJsonAsync<JsonObject>("/admin/v1/usage"))!;
        var row = usage["data"]!.AsArray().Single(u => u!["account_id"]!.GetValue<string>() == account.Id && u["model"]!.GetValue<string>() == "gemini-3.1-flash-lite-image")!;
        Assert.Equal(2, row["requests"]!.GetValue<long>());
        Assert.Equal(90, row["credits_charged"]!.GetValue<long>());
        Assert.Equal(1, row["task_images_succeeded"]!.GetValue<long>());
        Assert.Equal(1, row["task_images_failed"]!.GetValue<long>());
        Assert.Equal((await account.BalanceAsync()).Charged, row["credits_charged"]!.GetValue<long>());

        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/admin/v1/usage")).StatusCode);
    }
}
