using System.Text.Json.Nodes;
using Dapper;
using Nanogate.IntegrationTests.Storage;
using Nanogate.Storage;
using Nanogate.Storage.Media;
using Nanogate.Storage.Sqlite;
using Nanogate.Storage.Tasks;

namespace Nanogate.IntegrationTests.Tasks;

/// <summary>The queue's guarantees at the store level, on a real SQLite file, with the clock in the test's hands.</summary>
public sealed class TaskStoreTests : SqliteStoreTest
{
    private const long Lease = 30_000;
    private SqliteTaskStore _store = null!;
    private SqliteLedger _ledger = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _store = new SqliteTaskStore(Db, new Renderer());
        _ledger = new SqliteLedger(Db, TimeProvider.System);
    }

    private async Task<string> CreateAsync(int n, string? callback = null, string? webhook = null)
    {
        var id = Ids.New("task_");
        var created = await _store.CreateAsync(new NewTask(id, AccountId, "gemini-3.1-flash-lite-image", """{"prompt":"p","n":1}""", "req_x", "http://h", n, 45, callback, webhook, null), T0, CancellationToken.None);
        Assert.NotNull(created);
        return id;
    }

    private static ImageSuccess Image(string mediaId = "med_none") => new(mediaId, "image/png", 1024, 1024, null, 10, 1120, 1120);

    private async Task AssertLedgerConsistentAsync()
    {
        var balance = await _ledger.GetBalanceAsync(AccountId, CancellationToken.None);
        Assert.Equal(balance.Available, await _ledger.RecomputeAvailableAsync(AccountId, CancellationToken.None));
        Assert.Equal(balance.ToppedUp, balance.Available + balance.Reserved + balance.Charged);
    }

    private async Task InsertMediaAsync(string id) =>
        await Db.WriteAsync((c, tx) => c.ExecuteAsync(
            "INSERT INTO media (id, account_id, mime_type, bytes, width, height, created_at, expires_at) VALUES (@id, @AccountId, 'image/png', 1, 1, 1, @T0, @exp)",
            new { id, AccountId, T0, exp = T0 + 86_400_000 }, tx));

    [Fact]
    public async Task A_live_lease_is_not_claimed_again_and_an_expired_one_is_with_the_next_attempt()
    {
        var taskId = await CreateAsync(1);
        var first = Assert.Single(await _store.ClaimAsync(10, T0, T0 + Lease, 3, CancellationToken.None));
        Assert.Equal((taskId, 0, 1L), (first.TaskId, first.Index, first.Attempt));

        Assert.Empty(await _store.ClaimAsync(10, T0 + Lease - 1, T0 + 2 * Lease, 3, CancellationToken.None));
        Assert.True(await _store.HeartbeatAsync(taskId, 0, 1, T0 + Lease + 20_000, CancellationToken.None));
        Assert.Empty(await _store.ClaimAsync(10, T0 + Lease + 1, T0 + 2 * Lease, 3, CancellationToken.None));

        var second = Assert.Single(await _store.ClaimAsync(10, T0 + Lease + 20_001, T0 + 3 * Lease, 3, CancellationToken.None));
        Assert.Equal(2L, second.Attempt);
    }

    [Fact]
    public async Task The_media_row_commits_with_the_success_and_a_fenced_out_attempt_leaves_none()
    {
        var taskId = await CreateAsync(1);
        await _store.ClaimAsync(10, T0, T0 + Lease, 3, CancellationToken.None);
        Assert.Single(await _store.ClaimAsync(10, T0 + Lease + 1, T0 + 2 * Lease, 3, CancellationToken.None));

        NewMediaRow Row(string id) => new(id, AccountId, "image/png", 1000, 1024, 1024, T0, T0 + 86_400_000);
        Assert.False((await _store.SucceedAsync(taskId, 0, 1, Image("med_row_stale") with { Media = Row("med_row_stale") }, T0 + Lease + 2, CancellationToken.None)).Applied);
        Assert.True((await _store.SucceedAsync(taskId, 0, 2, Image("med_row_fresh") with { Media = Row("med_row_fresh") }, T0 + Lease + 3, CancellationToken.None)).Applied);

        var ids = (await Db.ReadAsync(c => c.QueryAsync<string>("SELECT id FROM media WHERE id LIKE 'med_row_%'"))).ToList();
        Assert.Equal(["med_row_fresh"], ids);
        Assert.Equal("med_row_fresh", (await _store.GetAsync(taskId, AccountId, CancellationToken.None))!.Images[0].MediaId);
    }

    [Fact]
    public async Task A_stale_attempts_writes_are_ignored_and_the_image_is_billed_once()
    {
        await InsertMediaAsync("med_stale");
        await InsertMediaAsync("med_fresh");
        var taskId = await CreateAsync(1);
        await _store.ClaimAsync(10, T0, T0 + Lease, 3, CancellationToken.None);
        var fresh = Assert.Single(await _store.ClaimAsync(10, T0 + Lease + 1, T0 + 2 * Lease, 3, CancellationToken.None));
        Assert.Equal(2L, fresh.Attempt);

        // The first worker wakes up late: heartbeat, success, retry and failure all miss.
        Assert.False(await _store.HeartbeatAsync(taskId, 0, 1, T0 + 3 * Lease, CancellationToken.None));
        Assert.False((await _store.SucceedAsync(taskId, 0, 1, Image("med_stale"), T0 + Lease + 2, CancellationToken.None)).Applied);
        Assert.False((await _store.RetryAsync(taskId, 0, 1, T0, "timeout", "x", T0 + Lease + 2, CancellationToken.None)).Applied);
        Assert.False((await _store.FailAsync(taskId, 0, 1, "timeout", "x", T0 + Lease + 2, CancellationToken.None)).Applied);
        Assert.Equal(0, (await _ledger.GetBalanceAsync(AccountId, CancellationToken.None)).Charged);

        var write = await _store.SucceedAsync(taskId, 0, 2, Image("med_fresh"), T0 + Lease + 3, CancellationToken.None);
        Assert.True(write.Applied);
        Assert.True(write.TaskEnded);
        Assert.False((await _store.SucceedAsync(taskId, 0, 2, Image("med_fresh"), T0 + Lease + 4, CancellationToken.None)).Applied);

        var task = (await _store.GetAsync(taskId, AccountId, CancellationToken.None))!;
        Assert.Equal("succeeded", task.Task.Status);
        Assert.Equal("med_fresh", task.Images[0].MediaId);
        Assert.Equal((45L, 45L, 0L), (task.Task.CreditsReserved, task.Task.CreditsCharged, task.Task.CreditsRefunded));
        var balance = await _ledger.GetBalanceAsync(AccountId, CancellationToken.None);
        Assert.Equal((955L, 0L, 45L), (balance.Available, balance.Reserved, balance.Charged));
        await AssertLedgerConsistentAsync();
    }

    [Fact]
    public async Task One_success_and_one_failure_is_partially_succeeded_with_webhooks_in_the_outbox()
    {
        await InsertMediaAsync("med_p1");
        var taskId = await CreateAsync(2, "https://a.example/cb", "https://b.example/callback");
        var claims = await _store.ClaimAsync(10, T0, T0 + Lease, 3, CancellationToken.None);
        Assert.Equal(2, claims.Count);
        Assert.False((await _store.SucceedAsync(taskId, 0, 1, Image("med_p1"), T0 + 1, CancellationToken.None)).TaskEnded);
        Assert.True((await _store.FailAsync(taskId, 1, 1, "content_blocked", "blocked", T0 + 2, CancellationToken.None)).TaskEnded);

        var task = (await _store.GetAsync(taskId, null, CancellationToken.None))!;
        Assert.Equal("partially_succeeded", task.Task.Status);
        Assert.Equal((90L, 45L, 45L), (task.Task.CreditsReserved, task.Task.CreditsCharged, task.Task.CreditsRefunded));
        Assert.Equal(T0 + 2, task.Task.CompletedAt);

        var deliveries = (await Db.ReadAsync(c => c.QueryAsync<(string Id, string Url, string Payload, long NextAttemptAt, long ExpiresAt)>(
            "SELECT id, url, payload, next_attempt_at, expires_at FROM webhook_deliveries WHERE task_id = @taskId ORDER BY url", new { taskId }))).ToList();
        Assert.Equal(["https://a.example/cb", "https://b.example/callback"], deliveries.Select(d => d.Url));
        Assert.All(deliveries, d =>
        {
            Assert.StartsWith("msg_", d.Id, StringComparison.Ordinal);
            Assert.Equal("task.partially_succeeded", JsonNode.Parse(d.Payload)!["type"]!.GetValue<string>());
            Assert.Equal(T0 + 2, d.NextAttemptAt);
            Assert.Equal(T0 + 86_400_000, d.ExpiresAt);
        });
        await AssertLedgerConsistentAsync();
    }

    [Fact]
    public async Task A_retry_waits_for_its_time_and_claims_the_next_attempt()
    {
        var taskId = await CreateAsync(1);
        await _store.ClaimAsync(10, T0, T0 + Lease, 3, CancellationToken.None);
        Assert.True((await _store.RetryAsync(taskId, 0, 1, T0 + 5_000, "rate_limited", "slow down", T0 + 1, CancellationToken.None)).Applied);
        Assert.Empty(await _store.ClaimAsync(10, T0 + 4_999, T0 + Lease, 3, CancellationToken.None));
        var again = Assert.Single(await _store.ClaimAsync(10, T0 + 5_000, T0 + Lease, 3, CancellationToken.None));
        Assert.Equal(2L, again.Attempt);
    }

    [Fact]
    public async Task An_image_whose_workers_keep_dying_fails_after_max_attempts_with_a_full_refund()
    {
        var taskId = await CreateAsync(1);
        var now = T0;
        for (var attempt = 1; attempt <= 2; attempt++)
        {
            Assert.Single(await _store.ClaimAsync(10, now, now + Lease, 2, CancellationToken.None));
            now += Lease + 1;
        }

        Assert.Empty(await _store.ClaimAsync(10, now, now + Lease, 2, CancellationToken.None));
        var task = (await _store.GetAsync(taskId, null, CancellationToken.None))!;
        Assert.Equal("failed", task.Task.Status);
        Assert.Equal("timeout", task.Images[0].ErrorCode);
        Assert.Equal((45L, 0L, 45L), (task.Task.CreditsReserved, task.Task.CreditsCharged, task.Task.CreditsRefunded));
        await AssertLedgerConsistentAsync();
    }

    [Fact]
    public async Task An_image_of_a_canceled_task_whose_worker_died_is_canceled_not_made_again()
    {
        var taskId = await CreateAsync(1);
        Assert.Single(await _store.ClaimAsync(10, T0, T0 + Lease, 3, CancellationToken.None));
        var (_, ended) = await _store.CancelAsync(AccountId, taskId, T0 + 1, CancellationToken.None);
        Assert.False(ended); // the image is running: its worker would cancel it when it reports

        // The worker never reports; its lease runs out with attempts left.
        Assert.Empty(await _store.ClaimAsync(10, T0 + Lease + 1, T0 + 2 * Lease, 3, CancellationToken.None));

        var task = (await _store.GetAsync(taskId, null, CancellationToken.None))!;
        Assert.Equal("canceled", task.Task.Status);
        Assert.Equal("canceled", task.Images[0].Status);
        Assert.Equal((45L, 0L, 45L), (task.Task.CreditsReserved, task.Task.CreditsCharged, task.Task.CreditsRefunded));
        await AssertLedgerConsistentAsync();
    }

    [Fact]
    public async Task A_retry_after_cancel_cancels_the_image()
    {
        var taskId = await CreateAsync(1);
        await _store.ClaimAsync(10, T0, T0 + Lease, 3, CancellationToken.None);
        var (afterCancel, ended) = await _store.CancelAsync(AccountId, taskId, T0 + 1, CancellationToken.None);
        Assert.False(ended);
        Assert.Equal("running", afterCancel!.Task.Status);
        var write = await _store.RetryAsync(taskId, 0, 1, T0 + 10, "upstream_unavailable", "503", T0 + 2, CancellationToken.None);
        Assert.True(write.TaskEnded);
        var task = (await _store.GetAsync(taskId, null, CancellationToken.None))!;
        Assert.Equal("canceled", task.Task.Status);
        Assert.Equal(45L, task.Task.CreditsRefunded);
        Assert.Empty(await _store.ClaimAsync(10, T0 + 100, T0 + Lease, 3, CancellationToken.None));
        await AssertLedgerConsistentAsync();
    }

    [Fact]
    public async Task Creating_without_enough_credits_writes_nothing()
    {
        var id = Ids.New("task_");
        var created = await _store.CreateAsync(new NewTask(id, AccountId, "gemini-3.1-flash-lite-image", "{}", "req_x", "http://h", 4, 300, null, null, null), T0, CancellationToken.None);
        Assert.Null(created);
        Assert.Null(await _store.GetAsync(id, null, CancellationToken.None));
        Assert.Equal(0L, await Db.ReadAsync(c => c.ExecuteScalarAsync<long>("SELECT COUNT(*) FROM reservations")));
        Assert.Equal(1000, (await _ledger.GetBalanceAsync(AccountId, CancellationToken.None)).Available);
    }

    private sealed class Renderer : ITaskEventRenderer
    {
        public (string Payload, long ExpiresAt) Render(TaskSnapshot ended, long now) =>
            (new JsonObject { ["type"] = "task." + ended.Task.Status, ["data"] = new JsonObject { ["task_id"] = ended.Task.Id } }.ToJsonString(),
             ended.Images.Select(i => i.MediaExpiresAt).Max() ?? now + 1000);
    }
}
