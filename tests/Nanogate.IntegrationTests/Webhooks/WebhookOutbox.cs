using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Nanogate.IntegrationTests.Infrastructure;
using Nanogate.Webhooks;

namespace Nanogate.IntegrationTests.Webhooks;

/// <summary>Writes outbox rows the way the task API does (INSERT, then a wake-up) and reads them back.</summary>
public static class WebhookOutbox
{
    public static async Task<string> EnqueueAsync(NanogateServer server, string accountId, Uri url, string payload, TimeSpan? expiresIn = null, bool notify = true)
    {
        var id = "msg_" + Guid.NewGuid().ToString("N");
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var expires = now + (long)(expiresIn ?? TimeSpan.FromHours(1)).TotalMilliseconds;
        await using (var c = await server.OpenDatabaseAsync())
        {
            await c.ExecuteAsync(
            """
            INSERT INTO webhook_deliveries (id, account_id, task_id, url, payload, next_attempt_at, expires_at, created_at)
            VALUES (@id, @accountId, @taskId, @url, @payload, @now, @expires, @now)
            """,
                new { id, accountId, taskId = "task_" + id[4..], url = url.ToString(), payload, now, expires });
        }

        if (notify)
        {
            server.Services.GetRequiredService<WebhookSignal>().Notify();
        }

        return id;
    }

    public static async Task<DeliveryRow> GetAsync(NanogateServer server, string id)
    {
        await using var c = await server.OpenDatabaseAsync();
        return await c.QuerySingleAsync<DeliveryRow>(
            "SELECT status AS Status, attempts AS Attempts, last_status AS LastStatus, last_error AS LastError, delivered_at AS DeliveredAt FROM webhook_deliveries WHERE id = @id",
            new { id });
    }

    /// <summary>Polls the row until <paramref name="done"/> holds (or fails the test after <paramref name="timeout"/>).</summary>
    public static async Task<DeliveryRow> WaitForAsync(NanogateServer server, string id, Func<DeliveryRow, bool> done, TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var row = await GetAsync(server, id);
            if (done(row))
            {
                return row;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                Assert.Fail($"Delivery {id} did not reach the expected state; it is {row}.");
            }

            await Task.Delay(50);
        }
    }
}

/// <summary>An outbox row as the tests see it.</summary>
public sealed record DeliveryRow
{
    public string Status { get; init; } = "";

    public long Attempts { get; init; }

    public long? LastStatus { get; init; }

    public string? LastError { get; init; }

    public long? DeliveredAt { get; init; }
}
