using Nanogate.IntegrationTests.Contracts.Harness;
using Nanogate.Storage;
using Nanogate.Storage.Media;
using Nanogate.Storage.Tasks;

namespace Nanogate.IntegrationTests.Contracts;

/// <summary>
/// <see cref="ITaskStore.QueueDepthAsync"/>: the images of the pending and running tasks, of an account and in all,
/// through every path that starts, ends or deletes a task (the stores keep it in a counter table, not a sum over the
/// queue), and after the migration that introduced the counter on a database that already had queued tasks.
/// </summary>
public abstract class QueueDepthContract : StoreContractTest
{
    private const long Lease = 30_000;
    private const string Model = "gemini-3.1-flash-lite-image";

    private async Task<string> CreateAsync(string accountId, int n, StoreInstance? on = null)
    {
        var id = Ids.New("task_");
        Assert.NotNull(await (on ?? Store).Tasks.CreateAsync(
            new NewTask(id, accountId, Model, """{"prompt":"p"}""", "req_x", "http://h", n, 10, null, null, null), T0, Ct));
        return id;
    }

    private async Task<(long Account, long Total)> DepthAsync(string accountId, StoreInstance? on = null)
    {
        var depth = await (on ?? Store).Tasks.QueueDepthAsync(accountId, Ct);
        return (depth.Account, depth.Total);
    }

    private static ImageSuccess Image(string accountId)
    {
        var media = new NewMediaRow(Ids.New("med_", 24), accountId, "image/png", 1000, 1024, 1024, T0, T0 + 86_400_000);
        return new(media.Id, "image/png", 1024, 1024, null, 10, 1120, 1120, media);
    }

    [ContractFact]
    public async Task Submits_count_a_claim_or_hand_back_changes_nothing_and_each_ending_takes_its_task_out()
    {
        var beta = (await Store.Accounts.CreateAccountAsync("beta", 1000, Ct)).Id;
        Assert.Equal((0L, 0L), await DepthAsync(AccountId));

        var a3 = await CreateAsync(AccountId, 3);
        var a1 = await CreateAsync(AccountId, 1);
        var b4 = await CreateAsync(beta, 4);
        Assert.Equal((4L, 8L), await DepthAsync(AccountId));
        Assert.Equal((4L, 8L), await DepthAsync(beta));
        Assert.Equal((0L, 8L), await DepthAsync("acct_none"));

        // Every image claimed: the tasks go from pending to running and stay in the queue.
        var claims = await Store.Tasks.ClaimAsync(10, T0, T0 + Lease, 3, Ct);
        Assert.Equal(8, claims.Count);
        Assert.All(await Task.WhenAll(new[] { a3, a1, b4 }.Select(id => Store.Tasks.GetAsync(id, null, Ct))), t => Assert.Equal(TaskStatuses.Running, t!.Task.Status));
        Assert.Equal((4L, 8L), await DepthAsync(AccountId));

        // A hand-back and a retry re-queue an image; its task stays running and counted.
        var first = claims.Single(c => c.TaskId == a3 && c.Index == 0);
        Assert.True((await Store.Tasks.HandBackAsync(a3, 0, first.Attempt, T0 + 1, Ct)).Applied);
        var single = claims.Single(c => c.TaskId == a1);
        Assert.True((await Store.Tasks.RetryAsync(a1, 0, single.Attempt, T0 + 1000, "upstream_unavailable", "503", T0 + 1, Ct)).Applied);
        Assert.Equal((4L, 8L), await DepthAsync(AccountId));

        // a3 succeeds (its handed-back image claimed again): 3 images out of alpha's depth and the total.
        var again = Assert.Single(await Store.Tasks.ClaimAsync(10, T0 + 1, T0 + Lease, 3, Ct));
        Assert.Equal((a3, 0), (again.TaskId, again.Index));
        foreach (var claim in claims.Where(c => c.TaskId == a3 && c.Index != 0).Append(again))
        {
            Assert.True((await Store.Tasks.SucceedAsync(a3, claim.Index, claim.Attempt, Image(AccountId), T0 + 2, Ct)).Applied);
        }

        Assert.Equal(TaskStatuses.Succeeded, (await Store.Tasks.GetAsync(a3, null, Ct))!.Task.Status);
        Assert.Equal((1L, 5L), await DepthAsync(AccountId));
        Assert.Equal((4L, 5L), await DepthAsync(beta));

        // b4: two images fail, two succeed (partially succeeded); beta has nothing left in the queue.
        foreach (var claim in claims.Where(c => c.TaskId == b4))
        {
            var write = claim.Index < 2
                ? await Store.Tasks.FailAsync(b4, claim.Index, claim.Attempt, "blocked", "No image.", T0 + 3, Ct)
                : await Store.Tasks.SucceedAsync(b4, claim.Index, claim.Attempt, Image(beta), T0 + 3, Ct);
            Assert.True(write.Applied);
        }

        Assert.Equal(TaskStatuses.PartiallySucceeded, (await Store.Tasks.GetAsync(b4, null, Ct))!.Task.Status);
        Assert.Equal((0L, 1L), await DepthAsync(beta));
        Assert.Equal((1L, 1L), await DepthAsync(AccountId));

        // a1's retried image fails for good: the queue is empty.
        var retried = Assert.Single(await Store.Tasks.ClaimAsync(10, T0 + 1000, T0 + Lease, 3, Ct));
        Assert.True((await Store.Tasks.FailAsync(a1, 0, retried.Attempt, "blocked", "No image.", T0 + 4, Ct)).Applied);
        Assert.Equal(TaskStatuses.Failed, (await Store.Tasks.GetAsync(a1, null, Ct))!.Task.Status);
        Assert.Equal((0L, 0L), await DepthAsync(AccountId));
        Assert.Equal((0L, 0L), await DepthAsync(beta));

        // A new submit after the queue emptied counts again.
        await CreateAsync(beta, 2);
        Assert.Equal((2L, 2L), await DepthAsync(beta));
    }

    [ContractFact]
    public async Task A_cancel_a_worker_given_up_a_retention_sweep_and_a_deleted_task_keep_the_depth_exact()
    {
        var canceled = await CreateAsync(AccountId, 2);
        var abandoned = await CreateAsync(AccountId, 1);
        var kept = await CreateAsync(AccountId, 4);
        Assert.Equal((7L, 7L), await DepthAsync(AccountId));

        // A queued task canceled ends at once.
        Assert.True((await Store.Tasks.CancelAsync(AccountId, canceled, T0 + 1, Ct)).Ended);
        Assert.Equal((5L, 5L), await DepthAsync(AccountId));

        // Crash recovery: the worker of the one-image task dies on its last allowed attempt (MaxAttempts = 1 here);
        // the next claim gives the image up and ends the task. The other task's images are claimed meanwhile.
        var claims = await Store.Tasks.ClaimAsync(10, T0 + 1, T0 + 1 + Lease, 1, Ct);
        Assert.Equal(5, claims.Count);
        foreach (var claim in claims.Where(c => c.TaskId == kept))
        {
            Assert.True(await Store.Tasks.HeartbeatAsync(kept, claim.Index, claim.Attempt, T0 + 10 * Lease, Ct));
        }

        Assert.Empty(await Store.Tasks.ClaimAsync(10, T0 + 2 + Lease, T0 + 3 * Lease, 1, Ct));
        Assert.Equal(TaskStatuses.Failed, (await Store.Tasks.GetAsync(abandoned, null, Ct))!.Task.Status);
        Assert.Equal((4L, 4L), await DepthAsync(AccountId));

        // The retention sweep deletes the two ended tasks, not the running one: the depth stays.
        Assert.Equal(2, await Store.TaskRetention.DeleteEndedTasksAsync(T0 + 100 * Lease, 100, Ct));
        Assert.Null(await Store.Tasks.GetAsync(canceled, null, Ct));
        Assert.Equal((4L, 4L), await DepthAsync(AccountId));

        // No store deletes an unfinished task, but the counter follows any statement that does (it is kept by the
        // database, not by the stores' code).
        var queued = await CreateAsync(AccountId, 3);
        Assert.Equal((7L, 7L), await DepthAsync(AccountId));
        await Harness.ExecuteAsync("DELETE FROM task_images WHERE task_id = @queued; DELETE FROM tasks WHERE id = @queued;", new { queued });
        Assert.Equal((4L, 4L), await DepthAsync(AccountId));
    }

    [ContractFact]
    public async Task Many_concurrent_submits_and_endings_on_two_instances_leave_the_depth_exact()
    {
        var beta = (await Store.Accounts.CreateAccountAsync("beta", 100_000, Ct)).Id;
        var second = await StartSecondInstanceAsync();
        var submits = Enumerable.Range(0, 40).Select(i => CreateAsync(i % 2 == 0 ? AccountId : beta, 1 + (i % 4), i % 3 == 0 ? second : Store));
        var ids = await Task.WhenAll(submits);
        Assert.Equal((40L, 100L), await DepthAsync(AccountId));
        Assert.Equal((60L, 100L), await DepthAsync(beta, second));

        // Both instances claim and finish every image at once.
        await Task.WhenAll(new[] { Store, second }.Select(instance => Task.Run(async () =>
        {
            while ((await instance.Tasks.ClaimAsync(7, T0, T0 + Lease, 3, Ct)) is { Count: > 0 } claims)
            {
                await Task.WhenAll(claims.Select(c => c.Index == 1
                    ? instance.Tasks.FailAsync(c.TaskId, c.Index, c.Attempt, "blocked", "No image.", T0 + 1, Ct)
                    : instance.Tasks.SucceedAsync(c.TaskId, c.Index, c.Attempt, Image(c.AccountId), T0 + 1, Ct)));
            }
        })));

        Assert.All(await Task.WhenAll(ids.Select(id => Store.Tasks.GetAsync(id, null, Ct))), t => Assert.True(t!.Task.IsTerminal));
        Assert.Equal((0L, 0L), await DepthAsync(AccountId));
        Assert.Equal((0L, 0L), await DepthAsync(beta, second));
    }

    [ContractFact]
    public async Task The_migration_that_adds_the_counter_counts_the_tasks_already_queued()
    {
        var beta = (await Store.Accounts.CreateAccountAsync("beta", 1000, Ct)).Id;
        var ended = await CreateAsync(AccountId, 2);
        var running = await CreateAsync(AccountId, 3);
        var claims = await Store.Tasks.ClaimAsync(10, T0, T0 + Lease, 3, Ct);
        foreach (var claim in claims.Where(c => c.TaskId == ended))
        {
            await Store.Tasks.SucceedAsync(ended, claim.Index, claim.Attempt, Image(AccountId), T0 + 1, Ct);
        }

        // Back to the schema before the counter: its table, triggers (and functions) gone, the index it replaced back.
        var dropCounter = Harness.Provider == "postgres"
            ? "DROP FUNCTION tasks_queue_depth() CASCADE; DROP FUNCTION task_queue_depth_add(text, text, bigint); DROP TABLE task_queue_depth;"
            : "DROP TRIGGER tasks_queue_depth_insert; DROP TRIGGER tasks_queue_depth_update; DROP TRIGGER tasks_queue_depth_delete; DROP TABLE task_queue_depth;";
        await Harness.ExecuteAsync(dropCounter + """
             CREATE INDEX ix_tasks_active ON tasks(account_id, n) WHERE status IN ('pending', 'running');
             DELETE FROM schema_migrations WHERE version LIKE '%\_task\_queue\_depth' ESCAPE '\';
             """);

        // Tasks written at the old schema (by the stores of this build, whose writes need no counter).
        await CreateAsync(AccountId, 4);
        await CreateAsync(beta, 1);
        var late = await CreateAsync(beta, 2);
        await Store.Tasks.CancelAsync(beta, late, T0 + 2, Ct);

        // A process of this build starts on it and migrates: the counter starts from what is queued.
        var upgraded = await StartSecondInstanceAsync();
        Assert.Equal((7L, 8L), await DepthAsync(AccountId, upgraded));
        Assert.Equal((1L, 8L), await DepthAsync(beta, upgraded));
        Assert.Single(await Harness.QueryAsync<string>("SELECT version FROM schema_migrations WHERE version LIKE '%\\_task\\_queue\\_depth' ESCAPE '\\'"));

        // And follows the queue from there.
        foreach (var claim in claims.Where(c => c.TaskId == running))
        {
            await upgraded.Tasks.SucceedAsync(running, claim.Index, claim.Attempt, Image(AccountId), T0 + 3, Ct);
        }

        Assert.Equal((4L, 5L), await DepthAsync(AccountId, upgraded));
    }
}
