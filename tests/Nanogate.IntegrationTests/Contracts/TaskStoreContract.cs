using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Nanogate.IntegrationTests.Contracts.Harness;
using Nanogate.Storage;
using Nanogate.Storage.Ledger;
using Nanogate.Storage.Media;
using Nanogate.Storage.Tasks;

namespace Nanogate.IntegrationTests.Contracts;

/// <summary>The queue's guarantees (<see cref="ITaskStore"/>): leases, attempt fencing, atomic success and end, with the clock in the test's hands.</summary>
public abstract class TaskStoreContract : StoreContractTest
{
    private const long Lease = 30_000;
    private const long Day = 86_400_000;

    private async Task<string> CreateAsync(int n, string? callback = null, string? webhook = null, StoreInstance? on = null, string? accountId = null)
    {
        var id = Ids.New("task_");
        var created = await (on ?? Store).Tasks.CreateAsync(
            new NewTask(id, accountId ?? AccountId, "gemini-3.1-flash-lite-image", """{"prompt":"p","n":1}""", "req_x", "http://h", n, 45, callback, webhook, null), T0, Ct);
        Assert.NotNull(created);
        return id;
    }

    private static ImageSuccess Image(string mediaId) => new(mediaId, "image/png", 1024, 1024, null, 10, 1120, 1120);

    private NewMediaRow MediaRow(string id) => new(id, AccountId, "image/png", 1000, 1024, 1024, T0, T0 + Day);

    private async Task AssertLedgerConsistentAsync()
    {
        var balance = await Store.Ledger.GetBalanceAsync(AccountId, Ct);
        Assert.Equal(balance.Available, await Store.Ledger.RecomputeAvailableAsync(AccountId, Ct));
        Assert.Equal(balance.ToppedUp, balance.Available + balance.Reserved + balance.Charged);
    }

    [ContractFact]
    public async Task A_created_task_is_pending_with_its_images_queued_and_its_credits_reserved()
    {
        var taskId = await CreateAsync(3);

        var task = (await Store.Tasks.GetAsync(taskId, AccountId, Ct))!;
        Assert.Equal((TaskStatuses.Pending, 3L, 135L, AccountId), (task.Task.Status, task.Task.N, task.Task.CreditsReserved, task.Task.AccountId));
        Assert.Equal([0L, 1L, 2L], task.Images.Select(i => i.Idx));
        Assert.All(task.Images, i => Assert.Equal(("queued", 0L, T0), (i.Status, i.Attempt, i.NextAttemptAt)));
        var balance = await Store.Ledger.GetBalanceAsync(AccountId, Ct);
        Assert.Equal((865L, 135L), (balance.Available, balance.Reserved));
        await AssertLedgerConsistentAsync();
    }

    [ContractFact]
    public async Task A_claim_hands_out_the_request_and_makes_the_task_running()
    {
        var taskId = await CreateAsync(1);

        var claim = Assert.Single(await Store.Tasks.ClaimAsync(10, T0, T0 + Lease, 3, Ct));

        Assert.Equal(new ImageClaim(taskId, 0, 1, AccountId, "gemini-3.1-flash-lite-image", """{"prompt":"p","n":1}""", "req_x"), claim);
        var task = (await Store.Tasks.GetAsync(taskId, null, Ct))!;
        Assert.Equal(TaskStatuses.Running, task.Task.Status);
        Assert.Equal(("running", T0 + Lease), (task.Images[0].Status, task.Images[0].LeaseUntil));
    }

    [ContractFact]
    public async Task Images_that_are_not_due_yet_are_not_claimed()
    {
        await CreateAsync(1);

        Assert.Empty(await Store.Tasks.ClaimAsync(10, T0 - 1, T0 + Lease, 3, Ct));
        Assert.Single(await Store.Tasks.ClaimAsync(10, T0, T0 + Lease, 3, Ct));
    }

    [ContractFact]
    public async Task A_claim_takes_at_most_max_images_earliest_due_first()
    {
        var first = await CreateAsync(2);
        var second = await CreateAsync(2);

        var claims = await Store.Tasks.ClaimAsync(3, T0, T0 + Lease, 3, Ct);

        Assert.Equal(3, claims.Count);
        Assert.Equal(3, claims.Select(c => (c.TaskId, c.Index)).Distinct().Count());
        Assert.Single(await Store.Tasks.ClaimAsync(3, T0, T0 + Lease, 3, Ct));
        Assert.Empty(await Store.Tasks.ClaimAsync(3, T0, T0 + Lease, 3, Ct));
        Assert.Contains(first, claims.Select(c => c.TaskId));
        Assert.Contains(second, claims.Select(c => c.TaskId));
    }

    [ContractFact]
    public async Task A_live_lease_is_not_claimed_again_and_an_expired_one_is_with_the_next_attempt()
    {
        var taskId = await CreateAsync(1);
        var first = Assert.Single(await Store.Tasks.ClaimAsync(10, T0, T0 + Lease, 3, Ct));
        Assert.Equal((taskId, 0, 1L), (first.TaskId, first.Index, first.Attempt));

        Assert.Empty(await Store.Tasks.ClaimAsync(10, T0 + Lease - 1, T0 + 2 * Lease, 3, Ct));
        Assert.True(await Store.Tasks.HeartbeatAsync(taskId, 0, 1, T0 + Lease + 20_000, Ct));
        Assert.Empty(await Store.Tasks.ClaimAsync(10, T0 + Lease + 1, T0 + 2 * Lease, 3, Ct));

        var second = Assert.Single(await Store.Tasks.ClaimAsync(10, T0 + Lease + 20_001, T0 + 3 * Lease, 3, Ct));
        Assert.Equal(2L, second.Attempt);
    }

    [ContractFact]
    public async Task The_media_row_commits_with_the_success_and_a_fenced_out_attempt_leaves_none()
    {
        var taskId = await CreateAsync(1);
        await Store.Tasks.ClaimAsync(10, T0, T0 + Lease, 3, Ct);
        Assert.Single(await Store.Tasks.ClaimAsync(10, T0 + Lease + 1, T0 + 2 * Lease, 3, Ct));

        Assert.False((await Store.Tasks.SucceedAsync(taskId, 0, 1, Image("med_row_stale") with { Media = MediaRow("med_row_stale") }, T0 + Lease + 2, Ct)).Applied);
        Assert.True((await Store.Tasks.SucceedAsync(taskId, 0, 2, Image("med_row_fresh") with { Media = MediaRow("med_row_fresh") }, T0 + Lease + 3, Ct)).Applied);

        Assert.Equal(["med_row_fresh"], await Store.Media.FindExistingAsync(["med_row_stale", "med_row_fresh"], Ct));
        var task = (await Store.Tasks.GetAsync(taskId, AccountId, Ct))!;
        Assert.Equal(("med_row_fresh", (long?)(T0 + Day)), (task.Images[0].MediaId, task.Images[0].MediaExpiresAt));
    }

    [ContractFact]
    public async Task A_stale_attempts_writes_are_ignored_and_the_image_is_billed_once()
    {
        await Store.Media.InsertAsync(MediaRow("med_stale"), Ct);
        await Store.Media.InsertAsync(MediaRow("med_fresh"), Ct);
        var taskId = await CreateAsync(1);
        await Store.Tasks.ClaimAsync(10, T0, T0 + Lease, 3, Ct);
        var fresh = Assert.Single(await Store.Tasks.ClaimAsync(10, T0 + Lease + 1, T0 + 2 * Lease, 3, Ct));
        Assert.Equal(2L, fresh.Attempt);

        // The first worker wakes up late: heartbeat, success, retry and failure all miss.
        Assert.False(await Store.Tasks.HeartbeatAsync(taskId, 0, 1, T0 + 3 * Lease, Ct));
        Assert.False((await Store.Tasks.SucceedAsync(taskId, 0, 1, Image("med_stale"), T0 + Lease + 2, Ct)).Applied);
        Assert.False((await Store.Tasks.RetryAsync(taskId, 0, 1, T0, "timeout", "x", T0 + Lease + 2, Ct)).Applied);
        Assert.False((await Store.Tasks.FailAsync(taskId, 0, 1, "timeout", "x", T0 + Lease + 2, Ct)).Applied);
        Assert.Equal(0, (await Store.Ledger.GetBalanceAsync(AccountId, Ct)).Charged);

        var write = await Store.Tasks.SucceedAsync(taskId, 0, 2, Image("med_fresh"), T0 + Lease + 3, Ct);
        Assert.True(write.Applied);
        Assert.True(write.TaskEnded);
        Assert.False((await Store.Tasks.SucceedAsync(taskId, 0, 2, Image("med_fresh"), T0 + Lease + 4, Ct)).Applied);

        var task = (await Store.Tasks.GetAsync(taskId, AccountId, Ct))!;
        Assert.Equal("succeeded", task.Task.Status);
        Assert.Equal("med_fresh", task.Images[0].MediaId);
        Assert.Equal((45L, 45L, 0L), (task.Task.CreditsReserved, task.Task.CreditsCharged, task.Task.CreditsRefunded));
        var balance = await Store.Ledger.GetBalanceAsync(AccountId, Ct);
        Assert.Equal((955L, 0L, 45L), (balance.Available, balance.Reserved, balance.Charged));
        await AssertLedgerConsistentAsync();
    }

    [ContractFact]
    public async Task One_success_and_one_failure_is_partially_succeeded_with_webhooks_in_the_outbox()
    {
        await Store.Media.InsertAsync(MediaRow("med_p1"), Ct);
        var taskId = await CreateAsync(2, "https://a.example/cb", "https://b.example/callback");
        var claims = await Store.Tasks.ClaimAsync(10, T0, T0 + Lease, 3, Ct);
        Assert.Equal(2, claims.Count);
        Assert.False((await Store.Tasks.SucceedAsync(taskId, 0, 1, Image("med_p1"), T0 + 1, Ct)).TaskEnded);
        Assert.True((await Store.Tasks.FailAsync(taskId, 1, 1, "content_blocked", "blocked", T0 + 2, Ct)).TaskEnded);

        var task = (await Store.Tasks.GetAsync(taskId, null, Ct))!;
        Assert.Equal("partially_succeeded", task.Task.Status);
        Assert.Equal((90L, 45L, 45L), (task.Task.CreditsReserved, task.Task.CreditsCharged, task.Task.CreditsRefunded));
        Assert.Equal(T0 + 2, task.Task.CompletedAt);
        Assert.Equal(("failed", "content_blocked"), (task.Images[1].Status, task.Images[1].ErrorCode));

        // The dispatcher's side sees both rows, due the moment the task ended.
        Assert.Equal(T0 + 2, await Store.Outbox.NextDueAsync(Ct));
        var claim = await Store.Outbox.ClaimAsync(T0 + 2, T0 + Lease, 10, Ct);
        Assert.Equal(["https://a.example/cb", "https://b.example/callback"], claim.Claimed.Select(d => d.Url).Order());
        Assert.All(claim.Claimed, d =>
        {
            Assert.StartsWith("msg_", d.Id, StringComparison.Ordinal);
            Assert.Equal(AccountId, d.AccountId);
            Assert.Equal("task.partially_succeeded", JsonNode.Parse(d.Payload)!["type"]!.GetValue<string>());
            Assert.Equal(taskId, JsonNode.Parse(d.Payload)!["data"]!["task_id"]!.GetValue<string>());
            Assert.Equal(T0 + Day, d.ExpiresAt);
            Assert.Equal(0, d.Attempts);
        });
        await AssertLedgerConsistentAsync();
    }

    [ContractFact]
    public async Task One_url_given_as_both_callback_and_webhook_gets_one_delivery_and_a_task_without_urls_none()
    {
        var both = await CreateAsync(1, "https://same.example/hook", "https://same.example/hook");
        var none = await CreateAsync(1);
        foreach (var claim in await Store.Tasks.ClaimAsync(10, T0, T0 + Lease, 3, Ct))
        {
            Assert.True((await Store.Tasks.FailAsync(claim.TaskId, claim.Index, claim.Attempt, "blocked", "no", T0 + 1, Ct)).TaskEnded);
        }

        var deliveries = (await Store.Outbox.ClaimAsync(T0 + 1, T0 + Lease, 10, Ct)).Claimed;
        Assert.Equal(both, JsonNode.Parse(Assert.Single(deliveries).Payload)!["data"]!["task_id"]!.GetValue<string>());
        Assert.Equal("failed", (await Store.Tasks.GetAsync(none, null, Ct))!.Task.Status);
    }

    [ContractFact]
    public async Task A_failed_task_carries_the_error_of_its_lowest_failed_image()
    {
        var taskId = await CreateAsync(2);
        var claims = await Store.Tasks.ClaimAsync(10, T0, T0 + Lease, 3, Ct);
        await Store.Tasks.FailAsync(taskId, 1, claims.Single(c => c.Index == 1).Attempt, "second_error", "second", T0 + 1, Ct);
        await Store.Tasks.FailAsync(taskId, 0, claims.Single(c => c.Index == 0).Attempt, "first_error", "first", T0 + 2, Ct);

        var task = (await Store.Tasks.GetAsync(taskId, null, Ct))!.Task;
        Assert.Equal((TaskStatuses.Failed, "first_error", "first"), (task.Status, task.ErrorCode, task.ErrorMessage));
        Assert.Equal((0L, 90L), (task.CreditsCharged, task.CreditsRefunded));
        await AssertLedgerConsistentAsync();
    }

    [ContractFact]
    public async Task A_retry_waits_for_its_time_and_claims_the_next_attempt()
    {
        var taskId = await CreateAsync(1);
        await Store.Tasks.ClaimAsync(10, T0, T0 + Lease, 3, Ct);
        Assert.True((await Store.Tasks.RetryAsync(taskId, 0, 1, T0 + 5_000, "rate_limited", "slow down", T0 + 1, Ct)).Applied);
        Assert.Empty(await Store.Tasks.ClaimAsync(10, T0 + 4_999, T0 + Lease, 3, Ct));
        var again = Assert.Single(await Store.Tasks.ClaimAsync(10, T0 + 5_000, T0 + Lease, 3, Ct));
        Assert.Equal(2L, again.Attempt);
    }

    [ContractFact]
    public async Task A_handed_back_image_is_due_at_once_and_its_attempt_is_not_counted()
    {
        var taskId = await CreateAsync(1);
        var first = Assert.Single(await Store.Tasks.ClaimAsync(10, T0, T0 + Lease, 1, Ct));
        Assert.Equal(1L, first.Attempt);

        // A stale hand-back (wrong attempt) changes nothing; the right one re-queues the image due now.
        Assert.False((await Store.Tasks.HandBackAsync(taskId, 0, 2, T0 + 1, Ct)).Applied);
        var write = await Store.Tasks.HandBackAsync(taskId, 0, 1, T0 + 1, Ct);
        Assert.True(write.Applied);
        Assert.False(write.TaskEnded);
        Assert.Equal("queued", (await Store.Tasks.GetAsync(taskId, null, Ct))!.Images[0].Status);

        // With MaxAttempts = 1 the image can still be claimed, as attempt 1 again.
        var again = Assert.Single(await Store.Tasks.ClaimAsync(10, T0 + 1, T0 + Lease, 1, Ct));
        Assert.Equal(1L, again.Attempt);
        await AssertLedgerConsistentAsync();
    }

    [ContractFact]
    public async Task A_hand_back_after_cancel_cancels_the_image_and_ends_the_task()
    {
        var taskId = await CreateAsync(1);
        Assert.Single(await Store.Tasks.ClaimAsync(10, T0, T0 + Lease, 3, Ct));
        await Store.Tasks.CancelAsync(AccountId, taskId, T0 + 1, Ct);
        var write = await Store.Tasks.HandBackAsync(taskId, 0, 1, T0 + 2, Ct);
        Assert.True(write.TaskEnded);
        var task = (await Store.Tasks.GetAsync(taskId, null, Ct))!;
        Assert.Equal(("canceled", "canceled"), (task.Task.Status, task.Images[0].Status));
        Assert.Equal((45L, 0L, 45L), (task.Task.CreditsReserved, task.Task.CreditsCharged, task.Task.CreditsRefunded));
        await AssertLedgerConsistentAsync();
    }

    [ContractFact]
    public async Task An_image_whose_workers_keep_dying_fails_after_max_attempts_with_a_full_refund()
    {
        var taskId = await CreateAsync(1);
        var now = T0;
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            Assert.Single(await Store.Tasks.ClaimAsync(10, now, now + Lease, 2, Ct));
            now += Lease + 1;
        }

        Assert.Empty(await Store.Tasks.ClaimAsync(10, now, now + Lease, 2, Ct));
        var task = (await Store.Tasks.GetAsync(taskId, null, Ct))!;
        Assert.Equal("failed", task.Task.Status);
        Assert.Equal("timeout", task.Images[0].ErrorCode);
        Assert.Equal((45L, 0L, 45L), (task.Task.CreditsReserved, task.Task.CreditsCharged, task.Task.CreditsRefunded));
        await AssertLedgerConsistentAsync();
    }

    [ContractFact]
    public async Task An_image_of_a_canceled_task_whose_worker_died_is_canceled_not_made_again()
    {
        var taskId = await CreateAsync(1);
        Assert.Single(await Store.Tasks.ClaimAsync(10, T0, T0 + Lease, 3, Ct));
        var (_, ended) = await Store.Tasks.CancelAsync(AccountId, taskId, T0 + 1, Ct);
        Assert.False(ended); // the image is running: its worker would cancel it when it reports

        // The worker never reports; its lease runs out with attempts left.
        Assert.Empty(await Store.Tasks.ClaimAsync(10, T0 + Lease + 1, T0 + 2 * Lease, 3, Ct));

        var task = (await Store.Tasks.GetAsync(taskId, null, Ct))!;
        Assert.Equal("canceled", task.Task.Status);
        Assert.Equal("canceled", task.Images[0].Status);
        Assert.Equal((45L, 0L, 45L), (task.Task.CreditsReserved, task.Task.CreditsCharged, task.Task.CreditsRefunded));
        await AssertLedgerConsistentAsync();
    }

    [ContractFact]
    public async Task A_retry_after_cancel_cancels_the_image()
    {
        var taskId = await CreateAsync(1);
        await Store.Tasks.ClaimAsync(10, T0, T0 + Lease, 3, Ct);
        var (afterCancel, ended) = await Store.Tasks.CancelAsync(AccountId, taskId, T0 + 1, Ct);
        Assert.False(ended);
        Assert.Equal("running", afterCancel!.Task.Status);
        var write = await Store.Tasks.RetryAsync(taskId, 0, 1, T0 + 10, "upstream_unavailable", "503", T0 + 2, Ct);
        Assert.True(write.TaskEnded);
        var task = (await Store.Tasks.GetAsync(taskId, null, Ct))!;
        Assert.Equal("canceled", task.Task.Status);
        Assert.Equal(45L, task.Task.CreditsRefunded);
        Assert.Empty(await Store.Tasks.ClaimAsync(10, T0 + 100, T0 + Lease, 3, Ct));
        await AssertLedgerConsistentAsync();
    }

    [ContractFact]
    public async Task Canceling_a_queued_task_ends_it_at_once_and_a_second_cancel_or_another_account_changes_nothing()
    {
        var taskId = await CreateAsync(2);
        var beta = (await Store.Accounts.CreateAccountAsync("beta", 0, Ct)).Id;

        var (foreign, endedForeign) = await Store.Tasks.CancelAsync(beta, taskId, T0 + 1, Ct);
        Assert.Null(foreign);
        Assert.False(endedForeign);
        var (canceled, ended) = await Store.Tasks.CancelAsync(AccountId, taskId, T0 + 1, Ct);
        Assert.True(ended);
        Assert.Equal((TaskStatuses.Canceled, "canceled", (long?)(T0 + 1), (long?)(T0 + 1)), (canceled!.Task.Status, canceled.Task.ErrorCode, canceled.Task.CanceledAt, canceled.Task.CompletedAt));
        Assert.All(canceled.Images, i => Assert.Equal("canceled", i.Status));

        var (again, endedAgain) = await Store.Tasks.CancelAsync(AccountId, taskId, T0 + 5, Ct);
        Assert.False(endedAgain);
        Assert.Equal((T0 + 1, 90L), (again!.Task.CanceledAt, again.Task.CreditsRefunded));
        Assert.Empty(await Store.Tasks.ClaimAsync(10, T0 + 10, T0 + Lease, 3, Ct));
        Assert.Equal(1000, (await Store.Ledger.GetBalanceAsync(AccountId, Ct)).Available);
        await AssertLedgerConsistentAsync();
    }

    [ContractFact]
    public async Task Creating_without_enough_credits_writes_nothing()
    {
        var id = Ids.New("task_");
        var created = await Store.Tasks.CreateAsync(new NewTask(id, AccountId, "gemini-3.1-flash-lite-image", "{}", "req_x", "http://h", 4, 300, null, null, null), T0, Ct);
        Assert.Null(created);
        Assert.Null(await Store.Tasks.GetAsync(id, null, Ct));
        Assert.False(await Store.Tasks.ExistsAsync(AccountId, id, Ct));
        Assert.Equal([0L], await Harness.QueryAsync<long>("SELECT COUNT(*) FROM reservations"));
        Assert.Equal(new AccountBalance(1000, 0, 0, 1000), await Store.Ledger.GetBalanceAsync(AccountId, Ct));
    }

    [ContractFact]
    public async Task A_task_is_read_only_by_its_own_account()
    {
        var taskId = await CreateAsync(1);
        var beta = (await Store.Accounts.CreateAccountAsync("beta", 0, Ct)).Id;

        Assert.NotNull(await Store.Tasks.GetAsync(taskId, AccountId, Ct));
        Assert.Null(await Store.Tasks.GetAsync(taskId, beta, Ct));
        Assert.True(await Store.Tasks.ExistsAsync(AccountId, taskId, Ct));
        Assert.False(await Store.Tasks.ExistsAsync(beta, taskId, Ct));
        Assert.Null(await Store.Tasks.GetAsync("task_missing", null, Ct));
    }

    [ContractFact]
    public async Task Tasks_are_listed_newest_first_by_insertion_in_pages_with_a_cursor_and_a_status_filter()
    {
        // One millisecond for all: the order is the insertion order, not the time.
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(await CreateAsync(1));
        }

        var beta = (await Store.Accounts.CreateAccountAsync("beta", 100, Ct)).Id;
        await CreateAsync(1, accountId: beta);
        ids.Reverse();

        var page = await Store.Tasks.ListAsync(AccountId, null, 2, null, Ct);
        Assert.Equal(ids[..3], page.Select(t => t.Task.Id)); // limit + 1: there is a next page
        var next = await Store.Tasks.ListAsync(AccountId, null, 2, ids[1], Ct);
        Assert.Equal(ids[2..5], next.Select(t => t.Task.Id));
        Assert.Equal(ids[4..], (await Store.Tasks.ListAsync(AccountId, null, 2, ids[3], Ct)).Select(t => t.Task.Id));
        Assert.All(page, t => Assert.Single(t.Images));

        await Store.Tasks.CancelAsync(AccountId, ids[3], T0 + 1, Ct);
        Assert.Equal([ids[3]], (await Store.Tasks.ListAsync(AccountId, TaskStatuses.Canceled, 10, null, Ct)).Select(t => t.Task.Id));
        Assert.Empty(await Store.Tasks.ListAsync(AccountId, null, 10, "task_of_nobody", Ct));
    }

    [ContractFact]
    public async Task Two_instances_claiming_at_once_never_hand_one_image_to_both()
    {
        await Store.Ledger.TopUpAsync(AccountId, 10_000, null, Ct);
        await using var second = await StartSecondInstanceAsync();
        for (var i = 0; i < 30; i++)
        {
            await CreateAsync(4, on: i % 2 == 0 ? Store : second);
        }

        // Three workers per process, each claiming small batches until the queue is empty.
        var claims = new ConcurrentBag<ImageClaim>();
        async Task WorkAsync(StoreInstance instance)
        {
            while (await instance.Tasks.ClaimAsync(3, T0, T0 + Lease, 3, Ct) is { Count: > 0 } batch)
            {
                foreach (var claim in batch)
                {
                    claims.Add(claim);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, 6).Select(i => Task.Run(() => WorkAsync(i % 2 == 0 ? Store : second))));

        Assert.Equal(120, claims.Count);
        Assert.Equal(120, claims.Select(c => (c.TaskId, c.Index)).Distinct().Count());
        Assert.All(claims, c => Assert.Equal(1L, c.Attempt));
    }

    [ContractFact]
    public async Task Concurrent_creates_of_one_account_reserve_exactly_what_its_balance_holds()
    {
        // 1,000 credits at 45 a task: 22 fit. 40 submits at once from two instances (on PostgreSQL they share
        // group-committed transactions): 22 tasks, each complete, and the rest refused without a trace.
        await using var second = await StartSecondInstanceAsync();
        var ids = Enumerable.Range(0, 40).Select(i => Ids.New("task_")).ToArray();
        var created = await Task.WhenAll(ids.Select((id, i) => Task.Run(() => (i % 2 == 0 ? Store : second).Tasks.CreateAsync(
            new NewTask(id, AccountId, "gemini-3.1-flash-lite-image", """{"prompt":"p","n":1}""", "req_" + i, "http://h", 1, 45, null, null, null), T0, Ct))));

        Assert.Equal(22, created.Count(t => t is not null));
        for (var i = 0; i < ids.Length; i++)
        {
            var snapshot = await Store.Tasks.GetAsync(ids[i], AccountId, Ct);
            Assert.Equal(created[i] is not null, snapshot is not null);
            if (snapshot is not null)
            {
                Assert.Equal((ids[i], AccountId, 45L), (created[i]!.Id, created[i]!.AccountId, created[i]!.CreditsReserved));
                Assert.Equal("queued", Assert.Single(snapshot.Images).Status);
            }
        }

        var balance = await Store.Ledger.GetBalanceAsync(AccountId, Ct);
        Assert.Equal((10L, 990L), (balance.Available, balance.Reserved));
        await AssertLedgerConsistentAsync();
    }

    [ContractFact]
    public async Task A_create_that_fails_among_concurrent_ones_fails_alone()
    {
        // A task id used twice is refused by the database; the submits around it (on PostgreSQL possibly in the
        // same transaction) are not.
        var taken = await CreateAsync(1);
        var ids = Enumerable.Range(0, 12).Select(i => i == 5 ? taken : Ids.New("task_")).ToArray();
        var outcomes = await Task.WhenAll(ids.Select((id, i) => Task.Run(async () =>
        {
            try
            {
                return await Store.Tasks.CreateAsync(
                    new NewTask(id, AccountId, "gemini-3.1-flash-lite-image", """{"prompt":"p","n":1}""", "req_" + i, "http://h", 1, 45, null, null, null), T0, Ct) is not null;
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                return (bool?)null;
            }
        })));

        Assert.Null(outcomes[5]);
        Assert.All(outcomes.Where((_, i) => i != 5), o => Assert.True(o));
        Assert.Equal(12 * 45L, (await Store.Ledger.GetBalanceAsync(AccountId, Ct)).Reserved);
        await AssertLedgerConsistentAsync();
    }

    [ContractFact]
    public async Task An_expired_lease_taken_over_by_another_instance_fences_out_the_first_worker()
    {
        await using var second = await StartSecondInstanceAsync();
        var taskId = await CreateAsync(1);
        Assert.Single(await Store.Tasks.ClaimAsync(10, T0, T0 + Lease, 3, Ct));
        var takeover = Assert.Single(await second.Tasks.ClaimAsync(10, T0 + Lease + 1, T0 + 2 * Lease, 3, Ct));
        Assert.Equal(2L, takeover.Attempt);

        // Both report at once: exactly the owner of attempt 2 is applied.
        var writes = await Task.WhenAll(
            Store.Tasks.SucceedAsync(taskId, 0, 1, Image("med_a") with { Media = MediaRow("med_a") }, T0 + Lease + 2, Ct),
            second.Tasks.SucceedAsync(taskId, 0, 2, Image("med_b") with { Media = MediaRow("med_b") }, T0 + Lease + 2, Ct));

        Assert.Equal([false, true], writes.Select(w => w.Applied));
        Assert.Equal(["med_b"], await Store.Media.FindExistingAsync(["med_a", "med_b"], Ct));
        Assert.Equal(45, (await Store.Ledger.GetBalanceAsync(AccountId, Ct)).Charged);
        await AssertLedgerConsistentAsync();
    }
}
