using System.Text.Json.Nodes;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.Tasks;

/// <summary>Retries through the simulator's faults, and the webhook outbox rows a finished task leaves.</summary>
public sealed class TaskRetryAndOutboxTests : IAsyncLifetime
{
    private NanogateServer _server = null!;

    public async Task InitializeAsync() => _server = await NanogateServer.StartAsync("Tasks:MaxAttempts=2", "Tasks:RetryBaseDelayMs=20");

    public async Task DisposeAsync() => await _server.DisposeAsync();

    private async Task<T> ReadAsync<T>(Func<System.Data.Common.DbConnection, Task<T>> read)
    {
        await using var connection = await _server.OpenDatabaseAsync();
        return await read(connection);
    }

    [Theory]
    [InlineData("[sim:503]", "upstream_unavailable")]
    [InlineData("[sim:429]", "rate_limited")]
    public async Task Retryable_failures_are_retried_up_to_max_attempts_then_fail_with_a_full_refund(string marker, string code)
    {
        var account = await _server.CreateAccountAsync(1000);
        using var client = account.Client();
        var accepted = await TaskApi.JsonAsync(await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = $"retry me {marker}" }));
        var taskId = accepted["task_id"]!.GetValue<string>();
        var started = DateTime.UtcNow;
        var task = await TaskApi.WaitForEndAsync(client, taskId);
        Assert.Equal("failed", task["status"]!.GetValue<string>());
        Assert.Equal(code, task["images"]![0]!["error"]!["code"]!.GetValue<string>());
        Assert.Equal(code, task["error"]!["code"]!.GetValue<string>());
        Assert.Equal(45, task["credits"]!["refunded"]!.GetValue<int>());
        var attempt = await ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT attempt FROM task_images WHERE task_id = @taskId", new { taskId }));
        Assert.Equal(2, attempt);
        if (code == "rate_limited")
        {
            // The simulator's RetryInfo asks for 1 s; the retry honoured it.
            Assert.True(DateTime.UtcNow - started >= TimeSpan.FromSeconds(0.9));
        }

        await _server.AssertLedgerConsistentAsync(account.Id);
    }

    [Fact]
    public async Task A_finished_task_leaves_one_signed_delivery_per_target_with_the_task_object()
    {
        var account = await _server.CreateAccountAsync(1000);
        using var client = account.Client();
        var accepted = await TaskApi.JsonAsync(await TaskApi.SubmitAsync(client, new
        {
            model = "nano-banana-2-lite",
            prompt = "notify me",
            callback_url = "https://hooks.example.com/nanogate?token=1",
            webhook = "https://other.example.com/base",
        }));
        var taskId = accepted["task_id"]!.GetValue<string>();
        var task = await TaskApi.WaitForEndAsync(client, taskId);
        Assert.Equal("succeeded", task["status"]!.GetValue<string>());

        var rows = (await ReadAsync(c => c.QueryAsync<(string Id, string AccountId, string Url, string Payload, string Status, long ExpiresAt)>(
            "SELECT id, account_id, url, payload, status, expires_at FROM webhook_deliveries WHERE task_id = @taskId ORDER BY url", new { taskId }))).ToList();
        Assert.Equal(["https://hooks.example.com/nanogate?token=1", "https://other.example.com/base/callback"], rows.Select(r => r.Url));
        foreach (var row in rows)
        {
            Assert.StartsWith("msg_", row.Id, StringComparison.Ordinal);
            Assert.Equal(account.Id, row.AccountId);
            var payload = JsonNode.Parse(row.Payload)!;
            Assert.Equal("task.succeeded", payload["type"]!.GetValue<string>());
            Assert.NotNull(payload["timestamp"]);
            var data = payload["data"]!;
            Assert.Equal(taskId, data["task_id"]!.GetValue<string>());
            Assert.Equal("succeeded", data["status"]!.GetValue<string>());
            var url = data["images"]![0]!["url"]!.GetValue<string>();
            Assert.StartsWith(_server.BaseAddress.ToString().TrimEnd('/') + "/v1/media/", url, StringComparison.Ordinal);
            var expires = DateTimeOffset.Parse(data["images"]![0]!["expires_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(row.ExpiresAt - expires.ToUnixTimeMilliseconds(), 0, 1);
            using var anonymous = new HttpClient();
            Assert.Equal(System.Net.HttpStatusCode.OK, (await anonymous.GetAsync(url)).StatusCode);
        }
    }

    [Fact]
    public async Task A_task_without_targets_leaves_no_delivery()
    {
        var account = await _server.CreateAccountAsync(1000);
        using var client = account.Client();
        var accepted = await TaskApi.JsonAsync(await TaskApi.SubmitAsync(client, new { model = "nano-banana-2-lite", prompt = "quiet" }));
        var taskId = accepted["task_id"]!.GetValue<string>();
        await TaskApi.WaitForEndAsync(client, taskId);
        Assert.Equal(0, await ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM webhook_deliveries WHERE task_id = @taskId", new { taskId })));
    }
}
