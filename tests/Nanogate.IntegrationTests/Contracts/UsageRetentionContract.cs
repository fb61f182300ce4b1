using Nanogate.IntegrationTests.Contracts.Harness;
using Nanogate.Storage.Ledger;
using Nanogate.Storage.Reports;
using Nanogate.Storage.Tasks;

namespace Nanogate.IntegrationTests.Contracts;

/// <summary>
/// Usage retention in the stores: rolling up settled reservations into daily totals (from two processes at once) keeps
/// every usage report and every balance exactly as it was, keeps the ledger entries, and leaves alone a reservation that
/// is open or that a task still holds.
/// </summary>
public abstract class UsageRetentionContract : StoreContractTest
{
    private const long Day = 86_400_000;

    [ContractFact]
    public async Task Rolling_up_keeps_every_usage_total_and_balance_and_skips_open_holds_and_live_tasks()
    {
        var one = (await Store.Accounts.CreateKeyAsync(AccountId, "one", null, Ct)).Record.Id;
        var two = (await Store.Accounts.CreateKeyAsync(AccountId, "two", null, Ct)).Record.Id;
        var beta = (await Store.Accounts.CreateAccountAsync("beta", 1000, Ct)).Id;

        // Twelve settled requests over two accounts, two keys (and none), two models, two channels (and none), two purposes.
        for (var i = 0; i < 12; i++)
        {
            var hold = i % 3 == 0
                ? await Store.Ledger.TryReserveAsync(beta, 20, "openai:images", "m1", Ct)
                : await Store.Ledger.TryReserveAsync(AccountId, 20, i % 2 == 0 ? "openai:images" : "gemini:generateContent", i % 4 < 2 ? "m1" : "m2", new KeyHold(i % 2 == 0 ? one : two, false), Ct);
            await Store.Ledger.SettleAsync(hold!.Id, i % 5 * 4, i % 3 == 1 ? null : $"chan-{i % 2}", new SettleUsage(i % 3, i % 4), Ct);
        }

        // One hold still open, and a canceled task that still holds its (settled) reservation.
        var open = await Store.Ledger.TryReserveAsync(AccountId, 10, "gemini:generateContent", "m1", Ct);
        var taskId = "task_" + Guid.NewGuid().ToString("N");
        Assert.NotNull(await Store.Tasks.CreateAsync(
            new NewTask(taskId, AccountId, "m1", """{"prompt":"p","n":2}""", "req_x", "http://h", 2, 45, null, null, null), T0, Ct));
        Assert.True((await Store.Tasks.CancelAsync(AccountId, taskId, T0, Ct)).Ended);

        var before = await ReportsAsync();
        var money = await MoneyAsync(beta);
        var ledgerRows = await CountAsync("SELECT COUNT(*) FROM ledger_entries");
        var cutoff = T0 + Day;

        // Two processes roll up at once, in batches of two: each reservation exactly once.
        var second = await StartSecondInstanceAsync();
        await using (second)
        {
            var rolled = await Task.WhenAll(DrainAsync(Store, cutoff), DrainAsync(second, cutoff));
            Assert.Equal(12, rolled.Sum());
        }

        Assert.Equal(before, await ReportsAsync());
        Assert.Equal(money, await MoneyAsync(beta));
        Assert.Equal(ledgerRows, await CountAsync("SELECT COUNT(*) FROM ledger_entries"));
        Assert.Equal(2, await CountAsync("SELECT COUNT(*) FROM reservations"));
        Assert.True(await CountAsync("SELECT COUNT(*) FROM usage_daily") > 0);

        // Once the task is deleted its reservation goes too; the open hold still settles, and then goes.
        Assert.Equal(1, await Store.TaskRetention.DeleteEndedTasksAsync(T0 + 1, 10, Ct));
        var withoutTask = await ReportsAsync();
        Assert.Equal(1, await DrainAsync(Store, cutoff));
        Assert.Equal(withoutTask, await ReportsAsync());
        await Store.Ledger.SettleAsync(open!.Id, 5, "chan-0", new SettleUsage(1, 0), Ct);
        var settled = await ReportsAsync();
        Assert.Equal(1, await DrainAsync(Store, cutoff));
        Assert.Equal(settled, await ReportsAsync());
        Assert.Equal(0, await CountAsync("SELECT COUNT(*) FROM reservations"));
        Assert.Equal((await MoneyAsync(beta)).Alpha.Available, await Store.Ledger.RecomputeAvailableAsync(AccountId, Ct));

        // Nothing older than the cutoff is left, and a reservation made after it is never touched.
        var later = await Store.Ledger.TryReserveAsync(AccountId, 10, "gemini:generateContent", "m1", Ct);
        await Store.Ledger.SettleAsync(later!.Id, 10, Ct);
        Assert.Equal(0, await Store.UsageRetention.RollUpAsync(TimeProvider.System.GetUtcNow().AddDays(-1).ToUnixTimeMilliseconds(), 10, Ct));
    }

    private static async Task<int> DrainAsync(StoreInstance store, long cutoff)
    {
        var total = 0;
        int rolled;
        do
        {
            rolled = await store.UsageRetention.RollUpAsync(cutoff, 2, Ct);
            total += rolled;
        }
        while (rolled > 0);
        return total;
    }

    /// <summary>Every usage report over all time, as text (records print their values).</summary>
    private async Task<string> ReportsAsync()
    {
        var query = new UsageQuery(0, T0 + (10 * Day), UsageBucket.Day, UsageGroups.Account | UsageGroups.Key | UsageGroups.Model | UsageGroups.Channel);
        var buckets = await Store.Reports.UsageBucketsAsync(query, Ct);
        var totals = await Store.Reports.UsageBucketsAsync(query with { Groups = UsageGroups.None }, Ct);
        var summary = await Store.Reports.UsageAsync(0, Ct);
        var channels = await Store.Reports.ChannelUsageAsync(0, Ct);
        Assert.NotEmpty(buckets);
        return string.Join("\n", buckets.Select(r => r.ToString()).Concat(totals.Select(r => r.ToString())).Concat(summary.Select(r => r.ToString())).Concat(channels.Select(r => r.ToString())));
    }

    private async Task<(AccountBalance Alpha, AccountBalance Beta)> MoneyAsync(string beta) =>
        (await Store.Ledger.GetBalanceAsync(AccountId, Ct), await Store.Ledger.GetBalanceAsync(beta, Ct));

    private async Task<long> CountAsync(string sql)
    {
        await using var connection = await Harness.OpenConnectionAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
