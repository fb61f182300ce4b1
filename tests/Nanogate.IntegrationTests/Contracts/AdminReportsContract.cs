using Nanogate.IntegrationTests.Contracts.Harness;
using Nanogate.Storage;
using Nanogate.Storage.Media;
using Nanogate.Storage.Reports;
using Nanogate.Storage.Tasks;

namespace Nanogate.IntegrationTests.Contracts;

/// <summary><see cref="IAdminReports"/>: the operator's task list and usage, across accounts.</summary>
public abstract class AdminReportsContract : StoreContractTest
{
    private const long Day = 86_400_000;
    private string _betaId = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _betaId = (await Store.Accounts.CreateAccountAsync("beta", 1000, Ct)).Id;
    }

    private async Task<string> SubmitAsync(string accountId, string model, int n, int price, long at, string prompt = "a cat")
    {
        var id = Ids.New("task_");
        var request = $$"""{"prompt":"{{prompt}}","aspect_ratio":"16:9","resolution":"2K","n":{{n}}}""";
        Assert.NotNull(await Store.Tasks.CreateAsync(new NewTask(id, accountId, model, request, "req_x", "http://h", n, price, null, null, null), at, Ct));
        return id;
    }

    /// <summary>Claims every image of the task (it must be the only one queued) and makes the first <paramref name="made"/>; the rest fail.</summary>
    private async Task FinishAsync(string taskId, string accountId, int made, long at)
    {
        foreach (var claim in await Store.Tasks.ClaimAsync(10, at, at + 30_000, 3, Ct))
        {
            Assert.Equal(taskId, claim.TaskId);
            if (claim.Index < made)
            {
                var media = new NewMediaRow(Ids.New("med_", 24), accountId, "image/png", 1, 1, 1, at, at + Day);
                await Store.Tasks.SucceedAsync(taskId, claim.Index, claim.Attempt, new ImageSuccess(media.Id, "image/png", 1, 1, null, 1, 1, 1, media), at, Ct);
            }
            else
            {
                await Store.Tasks.FailAsync(taskId, claim.Index, claim.Attempt, "blocked", "No image.", at, Ct);
            }
        }
    }

    [ContractFact]
    public async Task Tasks_are_listed_newest_first_with_their_account_request_and_image_counts_and_filter_by_status_and_account()
    {
        var ended = await SubmitAsync(AccountId, "model-a", 2, 45, T0, prompt: "a red fox");
        await FinishAsync(ended, AccountId, made: 1, T0 + 500);
        var pending = await SubmitAsync(AccountId, "model-a", 1, 45, T0 + 1_000);
        var other = await SubmitAsync(_betaId, "model-b", 1, 45, T0 + 2_000);

        var all = await Store.Reports.ListTasksAsync(null, null, 50, Ct);
        Assert.Equal([other, pending, ended], all.Select(t => t.Id));
        Assert.Equal(
            new AdminTaskRow(ended, AccountId, "alpha", "model-a", "partially_succeeded", 2, 90, 45, 45, null, null, T0, T0 + 500, "a red fox", "16:9", "2K", 1, 1),
            all[2]);
        Assert.Equal("beta", all[0].AccountName);

        Assert.Equal([pending, ended], (await Store.Reports.ListTasksAsync(null, AccountId, 50, Ct)).Select(t => t.Id));
        Assert.Equal([other, pending], (await Store.Reports.ListTasksAsync("pending", null, 50, Ct)).Select(t => t.Id));
        Assert.Equal([other], (await Store.Reports.ListTasksAsync(null, null, 1, Ct)).Select(t => t.Id));
    }

    [ContractFact]
    public async Task Usage_adds_up_reservations_and_task_images_per_account_and_model_within_the_window_most_charged_first()
    {
        // Reservations made outside tasks are stamped by the store's own clock (on PostgreSQL one synced with the
        // server, whatever the host registered), so this test counts from the real time, not from T0.
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var partial = await SubmitAsync(AccountId, "model-a", 2, 45, now);
        await FinishAsync(partial, AccountId, made: 1, now);
        var direct = await Store.Ledger.TryReserveAsync(AccountId, 10, "generate", "model-a", Ct);
        await Store.Ledger.SettleAsync(direct!.Id, 10, Ct);
        var unbilled = await Store.Ledger.TryReserveAsync(AccountId, 5, "generate", null, Ct);
        await Store.Ledger.SettleAsync(unbilled!.Id, 0, Ct);
        var beta = await SubmitAsync(_betaId, "model-b", 1, 100, now);
        await FinishAsync(beta, _betaId, made: 1, now);
        await SubmitAsync(AccountId, "model-a", 1, 45, now - (10 * Day));

        Assert.Equal(
            [
                new UsageRow(_betaId, "beta", "model-b", 1, 100, 0, 1, 0),
                new UsageRow(AccountId, "alpha", "model-a", 2, 55, 45, 1, 1),
                // Released without a failure (nothing was attempted): not a refund.
                new UsageRow(AccountId, "alpha", "unknown", 1, 0, 0, 0, 0),
            ],
            await Store.Reports.UsageAsync(now - Day, Ct));

        var longer = await Store.Reports.UsageAsync(now - (11 * Day), Ct);
        Assert.Equal(3, longer.Single(u => u.AccountId == AccountId && u.Model == "model-a").Requests);
    }
}
