using Nanogate.IntegrationTests.Contracts.Harness;
using Nanogate.Storage.Reports;

namespace Nanogate.IntegrationTests.Contracts;

/// <summary><see cref="IAdminReports"/>: the operator's usage reports, across accounts.</summary>
public abstract class AdminReportsContract : StoreContractTest
{
    private const long Day = 86_400_000;
    private string _betaId = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        _betaId = (await Store.Accounts.CreateAccountAsync("beta", 1000, Ct)).Id;
    }

    [ContractFact]
    public async Task Usage_adds_up_reservations_and_task_images_per_account_and_model_within_the_window_most_charged_first()
    {
        // Reservations made outside tasks are stamped by the store's own clock (on PostgreSQL one synced with the
        // server, whatever the host registered), so this test counts from the real time, not from T0.
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var partial = await SubmitTaskAsync(AccountId, "model-a", 2, 45, now);
        await FinishTaskAsync(partial, AccountId, made: 1, now);
        var direct = await Store.Ledger.TryReserveAsync(AccountId, 10, "generate", "model-a", Ct);
        await Store.Ledger.SettleAsync(direct!.Id, 10, Ct);
        var unbilled = await Store.Ledger.TryReserveAsync(AccountId, 5, "generate", null, Ct);
        await Store.Ledger.SettleAsync(unbilled!.Id, 0, Ct);
        var beta = await SubmitTaskAsync(_betaId, "model-b", 1, 100, now);
        await FinishTaskAsync(beta, _betaId, made: 1, now);
        await SubmitTaskAsync(AccountId, "model-a", 1, 45, now - (10 * Day));

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
