using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Nanogate.IntegrationTests.Contracts.Harness;
using Nanogate.Storage;
using Nanogate.Storage.Accounts;
using Nanogate.Storage.Changes;
using Nanogate.Storage.Ledger;
using Nanogate.Storage.Postgres;
using Nanogate.Storage.Tasks;
using Nanogate.Storage.Webhooks;

namespace Nanogate.IntegrationTests.Postgres;

/// <summary>Two "processes" (independent service providers, each with its own data source) on one database.</summary>
public sealed class PostgresTwoProcessTests
{
    private const long T0 = 1_800_000_000_000;

    [PostgresFact]
    public async Task Two_processes_claiming_one_queue_at_once_never_claim_an_image_twice()
    {
        await using var database = await PostgresDatabaseFixture.CreateAsync();
        var a = database.NewProcess(AddRenderer);
        var b = database.NewProcess(AddRenderer);
        await a.GetRequiredService<IStorage>().MigrateAsync(CancellationToken.None);
        var account = await a.GetRequiredService<IAccountStore>().CreateAccountAsync("queue", 1_000_000, CancellationToken.None);
        var store = a.GetRequiredService<ITaskStore>();
        const int tasks = 100;
        for (var i = 0; i < tasks; i++)
        {
            Assert.NotNull(await store.CreateAsync(NewTask(account.Id, "task_q" + i, n: 4), T0 + i, CancellationToken.None));
        }

        // Four claimers per process, small batches, all at once: they collide on the same due rows all the time. A
        // claimer may come back empty while rows are locked by another one (SKIP LOCKED), so each polls, as workers
        // do, until every image is claimed; a claim made but not handed out would keep the count short until the deadline.
        var claimed = new ConcurrentBag<(string Process, string TaskId, int Index, long Attempt)>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        async Task ClaimAllAsync(string name, ITaskStore s)
        {
            while (claimed.Count < tasks * 4 && DateTime.UtcNow < deadline)
            {
                var batch = await s.ClaimAsync(3, T0 + 10_000, T0 + 60_000, 5, CancellationToken.None);
                foreach (var claim in batch)
                {
                    claimed.Add((name, claim.TaskId, claim.Index, claim.Attempt));
                }

                if (batch.Count == 0)
                {
                    await Task.Delay(5);
                }
            }
        }

        var storeA = a.GetRequiredService<ITaskStore>();
        var storeB = b.GetRequiredService<ITaskStore>();
        await Task.WhenAll(Enumerable.Range(0, 4).SelectMany(_ => new[] { Task.Run(() => ClaimAllAsync("a", storeA)), Task.Run(() => ClaimAllAsync("b", storeB)) }));

        Assert.Equal(tasks * 4, claimed.Count);
        Assert.Empty(await storeB.ClaimAsync(10, T0 + 10_000, T0 + 60_000, 5, CancellationToken.None));
        Assert.Equal(tasks * 4, claimed.Select(c => (c.TaskId, c.Index)).Distinct().Count());
        Assert.All(claimed, c => Assert.Equal(1, c.Attempt));
        // Which process claimed how many depends on scheduling (on a loaded machine one may take them all); exclusivity
        // is the guarantee, and the contract suite's cross-instance claim test repeats it.

        // Every claim is live: both processes finish images concurrently; each task ends exactly once, fully charged.
        var ended = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(claimed, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (c, ct) =>
        {
            var s = c.Process == "a" ? storeA : storeB;
            var write = await s.SucceedAsync(c.TaskId, c.Index, c.Attempt, new ImageSuccess("med_" + c.TaskId + "_" + c.Index, "image/png", 1, 1, null, 1, 1, 1,
                new Nanogate.Storage.Media.NewMediaRow("med_" + c.TaskId + "_" + c.Index, account.Id, "image/png", 10, 1, 1, T0, T0 + 1000)), T0 + 20_000, ct);
            Assert.True(write.Applied);
            if (write.TaskEnded)
            {
                ended.Add(c.TaskId);
            }
        });
        Assert.Equal(tasks, ended.Count);
        Assert.Equal(tasks, ended.Distinct().Count());
        var ledger = b.GetRequiredService<ILedger>();
        var balance = await ledger.GetBalanceAsync(account.Id, CancellationToken.None);
        Assert.Equal((1_000_000L - tasks * 4 * 10, 0L, tasks * 4 * 10L), (balance.Available, balance.Reserved, balance.Charged));
        Assert.Equal(balance.Available, await ledger.RecomputeAvailableAsync(account.Id, CancellationToken.None));
    }

    [PostgresFact]
    public async Task Webhook_rows_are_claimed_by_exactly_one_of_two_processes()
    {
        await using var database = await PostgresDatabaseFixture.CreateAsync();
        var a = database.NewProcess(AddRenderer);
        var b = database.NewProcess(AddRenderer);
        await a.GetRequiredService<IStorage>().MigrateAsync(CancellationToken.None);
        var account = await a.GetRequiredService<IAccountStore>().CreateAccountAsync("hooks", 1_000_000, CancellationToken.None);
        var tasks = a.GetRequiredService<ITaskStore>();
        for (var i = 0; i < 40; i++)
        {
            var id = "task_w" + i;
            await tasks.CreateAsync(NewTask(account.Id, id, n: 1, callback: "https://hooks.example.com/" + i), T0, CancellationToken.None);
            var claim = Assert.Single(await tasks.ClaimAsync(1, T0 + 1, T0 + 1000, 3, CancellationToken.None));
            Assert.True((await tasks.FailAsync(claim.TaskId, claim.Index, claim.Attempt, "bad", "bad", T0 + 2, CancellationToken.None)).TaskEnded);
        }

        var claimed = new ConcurrentBag<string>();
        async Task DrainAsync(IWebhookOutbox outbox)
        {
            while ((await outbox.ClaimAsync(T0 + 10, T0 + 100_000, 2, CancellationToken.None)).Claimed is { Count: > 0 } batch)
            {
                foreach (var d in batch)
                {
                    claimed.Add(d.Id);
                }
            }
        }

        var outboxA = a.GetRequiredService<IWebhookOutbox>();
        var outboxB = b.GetRequiredService<IWebhookOutbox>();
        await Task.WhenAll(Enumerable.Range(0, 3).SelectMany(_ => new[] { Task.Run(() => DrainAsync(outboxA)), Task.Run(() => DrainAsync(outboxB)) }));
        Assert.Equal(40, claimed.Count);
        Assert.Equal(40, claimed.Distinct().Count());
    }

    [PostgresFact]
    public async Task A_change_published_by_one_process_reaches_the_other_and_itself()
    {
        await using var database = await PostgresDatabaseFixture.CreateAsync();
        var a = database.NewProcess();
        var b = database.NewProcess();
        var feedA = a.GetRequiredService<IChangeFeed>();
        var feedB = b.GetRequiredService<IChangeFeed>();
        await ((PostgresChangeFeed)feedA).Listening.WaitAsync(TimeSpan.FromSeconds(10));
        await ((PostgresChangeFeed)feedB).Listening.WaitAsync(TimeSpan.FromSeconds(10));
        var heardByA = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var heardByB = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subA = feedA.Subscribe(ChangeTopics.Keys, d => heardByA.TrySetResult(d));
        using var subB = feedB.Subscribe(ChangeTopics.Keys, d => heardByB.TrySetResult(d));
        using var other = feedB.Subscribe(ChangeTopics.Channels, _ => heardByB.TrySetException(new InvalidOperationException("wrong topic")));

        await feedA.PublishAsync(ChangeTopics.Keys, "hash:with:colons", CancellationToken.None);
        Assert.Equal("hash:with:colons", await heardByB.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal("hash:with:colons", await heardByA.Task.WaitAsync(TimeSpan.FromSeconds(10)));
    }

    [PostgresFact]
    public async Task The_task_store_notifies_other_processes_of_due_and_ended_tasks()
    {
        await using var database = await PostgresDatabaseFixture.CreateAsync();
        var a = database.NewProcess(AddRenderer);
        var b = database.NewProcess(AddRenderer);
        await a.GetRequiredService<IStorage>().MigrateAsync(CancellationToken.None);
        var feedB = (PostgresChangeFeed)b.GetRequiredService<IChangeFeed>();
        await feedB.Listening.WaitAsync(TimeSpan.FromSeconds(10));
        var due = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ended = new TaskCompletionSource<string?>(TaskCreationOptions.RunContinuationsAsynchronously);
        var webhooks = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var s1 = feedB.Subscribe(ChangeTopics.TasksDue, _ => due.TrySetResult());
        using var s2 = feedB.Subscribe(ChangeTopics.TaskEnded, d => ended.TrySetResult(d));
        using var s3 = feedB.Subscribe(ChangeTopics.WebhooksDue, _ => webhooks.TrySetResult());

        var account = await a.GetRequiredService<IAccountStore>().CreateAccountAsync("notify", 1000, CancellationToken.None);
        var store = a.GetRequiredService<ITaskStore>();
        await store.CreateAsync(NewTask(account.Id, "task_n1", n: 1, callback: "https://hooks.example.com/n"), T0, CancellationToken.None);
        await due.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(ended.Task.IsCompleted);

        var claim = Assert.Single(await store.ClaimAsync(1, T0 + 1, T0 + 1000, 3, CancellationToken.None));
        await store.SucceedAsync(claim.TaskId, claim.Index, claim.Attempt, new ImageSuccess("med_n1", "image/png", 1, 1, null, 0, 0, 0,
            new Nanogate.Storage.Media.NewMediaRow("med_n1", account.Id, "image/png", 1, 1, 1, T0, T0 + 1000)), T0 + 2, CancellationToken.None);
        Assert.Equal("task_n1", await ended.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        await webhooks.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static void AddRenderer(IServiceCollection services) => services.AddSingleton<ITaskEventRenderer, Renderer>();

    private static NewTask NewTask(string accountId, string id, int n, string? callback = null) =>
        new(id, accountId, "nano-banana-2-lite", "{\"prompt\":\"p\"}", "req_" + id, "http://localhost", n, 10, callback, null, null);

    private sealed class Renderer : ITaskEventRenderer
    {
        public (string Payload, long ExpiresAt) Render(TaskSnapshot ended, long now) => ($"{{\"id\":\"{ended.Task.Id}\",\"status\":\"{ended.Task.Status}\"}}", now + 3_600_000);
    }
}
