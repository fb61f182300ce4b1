using Nanogate.IntegrationTests.Contracts.Harness;
using Nanogate.Storage.Webhooks;

namespace Nanogate.IntegrationTests.Contracts;

/// <summary>
/// <see cref="IWebhookOutbox"/>: leases, expiry and attempt fencing. Rows are set up and inspected with raw SQL:
/// the contract writes them only as a side effect of a task ending and has no read of a row's outcome.
/// </summary>
public abstract class WebhookOutboxContract : StoreContractTest
{
    private const long Hour = 3_600_000;

    private Task<int> EnqueueAsync(string id, long due, long expiresAt = T0 + Hour) =>
        Harness.ExecuteAsync(
            "INSERT INTO webhook_deliveries (id, account_id, task_id, url, payload, next_attempt_at, expires_at, created_at) VALUES (@id, @AccountId, 'task_x', 'http://receiver/hook', '{}', @due, @expiresAt, @T0)",
            new { id, AccountId, due, expiresAt, T0 });

    private async Task<Row> RowAsync(string id) =>
        Assert.Single(await Harness.QueryAsync<Row>(
            "SELECT status AS Status, attempts AS Attempts, next_attempt_at AS NextAttemptAt, last_status AS LastStatus, last_error AS LastError, delivered_at AS DeliveredAt FROM webhook_deliveries WHERE id = @id",
            new { id }));

    private static string[] Ids(WebhookClaim claim) => [.. claim.Claimed.Select(d => d.Id)];

    [ContractFact]
    public async Task Due_rows_are_claimed_earliest_first_up_to_the_limit_and_leased_until_the_lease_ends()
    {
        Assert.Null(await Store.Outbox.NextDueAsync(Ct));
        await EnqueueAsync("msg_c", T0 + 30);
        await EnqueueAsync("msg_a", T0 + 10);
        await EnqueueAsync("msg_b", T0 + 20);
        await EnqueueAsync("msg_later", T0 + 5_000);
        Assert.Equal(T0 + 10, await Store.Outbox.NextDueAsync(Ct));

        var first = await Store.Outbox.ClaimAsync(T0 + 100, T0 + 60_000, 2, Ct);
        Assert.Equal(["msg_a", "msg_b"], Ids(first));
        Assert.Equal(0, first.Expired);
        Assert.Equal(T0 + 30, first.NextDue);
        var claimed = first.Claimed[0];
        Assert.Equal(new WebhookDelivery("msg_a", AccountId, "http://receiver/hook", "{}", 0, T0 + Hour), claimed);
        Assert.Equal(T0 + 60_000, (await RowAsync("msg_a")).NextAttemptAt);

        var second = await Store.Outbox.ClaimAsync(T0 + 100, T0 + 60_000, 10, Ct);
        Assert.Equal(["msg_c"], Ids(second));
        Assert.Equal(T0 + 5_000, second.NextDue);

        // Leases still live: only the row that came due meanwhile.
        Assert.Equal(["msg_later"], Ids(await Store.Outbox.ClaimAsync(T0 + 59_999, T0 + 120_000, 10, Ct)));

        // A lease that ran out (its attempt crashed) is claimed again, with the attempt count unchanged.
        var again = await Store.Outbox.ClaimAsync(T0 + 60_000, T0 + 120_000, 10, Ct);
        Assert.Equal(["msg_a", "msg_b", "msg_c"], Ids(again).Order());
        Assert.All(again.Claimed, d => Assert.Equal(0, d.Attempts));
        Assert.Equal(T0 + 120_000, again.NextDue);
    }

    [ContractFact]
    public async Task A_due_row_past_its_expiry_fails_with_its_last_error_instead_of_being_claimed()
    {
        await EnqueueAsync("msg_old", T0, expiresAt: T0 + 50);
        await EnqueueAsync("msg_new", T0);
        await Store.Outbox.ClaimAsync(T0, T0 + 30, 10, Ct);
        Assert.True(await Store.Outbox.RecordAsync(new WebhookAttemptResult("msg_old", 0, "pending", 1, T0 + 40, 500, "The receiver answered HTTP 500.", null), Ct));

        var claim = await Store.Outbox.ClaimAsync(T0 + 50, T0 + 100, 10, Ct);

        Assert.Equal(1, claim.Expired);
        Assert.Equal(["msg_new"], Ids(claim));
        var old = await RowAsync("msg_old");
        Assert.Equal("failed", old.Status);
        Assert.Equal("Gave up: the delivery expired after 1 attempt(s). Last error: The receiver answered HTTP 500.", old.LastError);
        Assert.Equal(T0 + 100, claim.NextDue);
    }

    [ContractFact]
    public async Task A_result_is_recorded_only_by_the_attempt_that_owns_the_row()
    {
        await EnqueueAsync("msg_f", T0);
        await Store.Outbox.ClaimAsync(T0, T0 + 30, 10, Ct);

        Assert.True(await Store.Outbox.RecordAsync(new WebhookAttemptResult("msg_f", 0, "pending", 1, T0 + 1_000, 503, "busy", null), Ct));
        Assert.False(await Store.Outbox.RecordAsync(new WebhookAttemptResult("msg_f", 0, "delivered", 1, T0 + 2, 200, null, T0 + 2), Ct));
        Assert.Equal(new Row { Status = "pending", Attempts = 1, NextAttemptAt = T0 + 1_000, LastStatus = 503, LastError = "busy" }, await RowAsync("msg_f"));

        Assert.True(await Store.Outbox.RecordAsync(new WebhookAttemptResult("msg_f", 1, "delivered", 2, T0 + 1_500, 204, null, T0 + 1_500), Ct));
        Assert.Equal(new Row { Status = "delivered", Attempts = 2, NextAttemptAt = T0 + 1_500, LastStatus = 204, DeliveredAt = T0 + 1_500 }, await RowAsync("msg_f"));

        // Not pending any more: nothing overwrites the outcome, and nothing is due.
        Assert.False(await Store.Outbox.RecordAsync(new WebhookAttemptResult("msg_f", 2, "pending", 3, T0 + 9_000, 500, "late", null), Ct));
        Assert.Null(await Store.Outbox.NextDueAsync(Ct));
    }

    [ContractFact]
    public async Task Two_outboxes_claiming_at_once_lease_each_row_to_exactly_one()
    {
        await using var second = await StartSecondInstanceAsync();
        for (var i = 0; i < 60; i++)
        {
            await EnqueueAsync($"msg_{i:D2}", T0 + i);
        }

        var claimed = new List<string>();
        async Task DrainAsync(IWebhookOutbox outbox)
        {
            while ((await outbox.ClaimAsync(T0 + 100, T0 + 60_000, 4, Ct)).Claimed is { Count: > 0 } batch)
            {
                lock (claimed)
                {
                    claimed.AddRange(batch.Select(d => d.Id));
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => Task.Run(() => DrainAsync((i % 2 == 0 ? Store : second).Outbox))));

        Assert.Equal(60, claimed.Count);
        Assert.Equal(60, claimed.Distinct().Count());
    }

    [ContractFact]
    public async Task Of_two_results_for_one_attempt_from_two_instances_exactly_one_is_recorded()
    {
        await using var second = await StartSecondInstanceAsync();
        await EnqueueAsync("msg_r", T0);
        await Store.Outbox.ClaimAsync(T0, T0 + 30, 10, Ct);

        var recorded = await Task.WhenAll(
            Store.Outbox.RecordAsync(new WebhookAttemptResult("msg_r", 0, "delivered", 1, T0 + 5, 200, null, T0 + 5), Ct),
            second.Outbox.RecordAsync(new WebhookAttemptResult("msg_r", 0, "pending", 1, T0 + 1_000, 503, "busy", null), Ct));

        Assert.Single(recorded, r => r);
        Assert.Equal(1, (await RowAsync("msg_r")).Attempts);
    }

    private sealed record Row
    {
        public string Status { get; init; } = "";

        public long Attempts { get; init; }

        public long NextAttemptAt { get; init; }

        public long? LastStatus { get; init; }

        public string? LastError { get; init; }

        public long? DeliveredAt { get; init; }
    }
}
