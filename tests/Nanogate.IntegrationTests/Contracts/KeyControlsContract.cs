using Nanogate.IntegrationTests.Contracts.Harness;
using Nanogate.Storage.Accounts;
using Nanogate.Storage.Ledger;
using Nanogate.Storage.Reports;

namespace Nanogate.IntegrationTests.Contracts;

/// <summary>
/// Per-key controls and usage in the stores: caps checked in the hold's transaction hold under concurrency, the
/// controls and last use round-trip, and a settlement's usage (images, refunds) lands in the bucketed report.
/// </summary>
public abstract class KeyControlsContract : StoreContractTest
{
    [ContractFact]
    public async Task Concurrent_holds_never_take_a_key_past_its_daily_cap()
    {
        var key = await Store.Accounts.CreateKeyAsync(AccountId, "capped", null, Ct);
        Assert.True(await Store.Accounts.SetKeyControlsAsync(key.Record.Id, KeyControls.None with { DailyCap = 250 }, Ct));
        var hold = new KeyHold(key.Record.Id, Capped: true);

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            try
            {
                return await Store.Ledger.TryReserveAsync(AccountId, 100, "openai:images", "m", hold, Ct) is not null ? "held" : "poor";
            }
            catch (SpendCapExceededException e)
            {
                Assert.Equal((SpendCapPeriod.Daily, 250L, 100L), (e.Period, e.Cap, e.Requested));
                return "capped";
            }
        }));

        Assert.Equal(2, outcomes.Count(o => o == "held"));
        Assert.Equal(18, outcomes.Count(o => o == "capped"));
        Assert.Equal(200, (await Store.Ledger.GetBalanceAsync(AccountId, Ct)).Reserved);

        // What a settlement releases is no longer spent: 50 captured of one hold leaves room for 100 more, not 101.
        var open = await Store.Ledger.TryReserveAsync(AccountId, 50, "openai:images", "m", hold, Ct);
        Assert.NotNull(open);
        await Store.Ledger.SettleAsync(open!.Id, 0, Ct);
        await Assert.ThrowsAsync<SpendCapExceededException>(() => Store.Ledger.TryReserveAsync(AccountId, 51, "t", "m", hold, Ct));
        Assert.NotNull(await Store.Ledger.TryReserveAsync(AccountId, 50, "t", "m", hold, Ct));

        // A key without caps, or no key, is not limited.
        Assert.NotNull(await Store.Ledger.TryReserveAsync(AccountId, 100, "t", "m", Ct));
    }

    [ContractFact]
    public async Task A_monthly_cap_counts_the_whole_month()
    {
        var key = await Store.Accounts.CreateKeyAsync(AccountId, "monthly", null, Ct);
        Assert.True(await Store.Accounts.SetKeyControlsAsync(key.Record.Id, KeyControls.None with { DailyCap = 1000, MonthlyCap = 120 }, Ct));
        var hold = new KeyHold(key.Record.Id, Capped: true);
        var first = await Store.Ledger.TryReserveAsync(AccountId, 100, "t", "m", hold, Ct);
        await Store.Ledger.SettleAsync(first!.Id, 100, Ct);

        var refused = await Assert.ThrowsAsync<SpendCapExceededException>(() => Store.Ledger.TryReserveAsync(AccountId, 21, "t", "m", hold, Ct));
        Assert.Equal((SpendCapPeriod.Monthly, 120L, 100L), (refused.Period, refused.Cap, refused.Spent));
        Assert.Contains("monthly spending cap is 120 credits", refused.Message, StringComparison.Ordinal);
        Assert.NotNull(await Store.Ledger.TryReserveAsync(AccountId, 20, "t", "m", hold, Ct));
    }

    [ContractFact]
    public async Task Controls_and_last_use_round_trip_and_an_older_use_never_overwrites_a_newer()
    {
        var key = await Store.Accounts.CreateKeyAsync(AccountId, "controlled", null, Ct);
        var expires = DateTimeOffset.FromUnixTimeMilliseconds(4_102_444_800_000);
        var controls = new KeyControls(expires, 60, 10, 500, 5000);
        Assert.True(await Store.Accounts.SetKeyControlsAsync(key.Record.Id, controls, Ct));
        Assert.False(await Store.Accounts.SetKeyControlsAsync("key_missing", controls, Ct));

        await Store.Accounts.TouchKeysAsync(new Dictionary<string, long> { [key.Record.Id] = 2_000_000 }, Ct);
        await Store.Accounts.TouchKeysAsync(new Dictionary<string, long> { [key.Record.Id] = 1_000_000, ["key_missing"] = 5 }, Ct);

        var found = (await Store.Accounts.FindKeyAsync(key.Record.Id, Ct))!;
        Assert.Equal(controls, found.Controls);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(2_000_000), found.LastUsedAt);
        Assert.Equal(controls, (await Store.Accounts.ListKeysAsync(AccountId, Ct)).Single(k => k.Id == key.Record.Id).Controls);

        Assert.True(await Store.Accounts.SetKeyControlsAsync(key.Record.Id, KeyControls.None, Ct));
        Assert.Equal(KeyControls.None, (await Store.Accounts.FindKeyAsync(key.Record.Id, Ct))!.Controls);
    }

    [ContractFact]
    public async Task A_settlements_images_and_refund_land_in_the_usage_buckets_and_a_refund_never_exceeds_the_release()
    {
        var key = await Store.Accounts.CreateKeyAsync(AccountId, "usage", null, Ct);
        var hold = new KeyHold(key.Record.Id, Capped: false);
        var start = TimeProvider.System.GetUtcNow().AddHours(-1).ToUnixTimeMilliseconds();

        var a = await Store.Ledger.TryReserveAsync(AccountId, 100, "openai:images", "m1", hold, Ct);
        await Store.Ledger.SettleAsync(a!.Id, 70, "chan-a", new SettleUsage(2, 30), Ct);
        var b = await Store.Ledger.TryReserveAsync(AccountId, 100, "gemini:generateContent", "m1", hold, Ct);
        await Store.Ledger.SettleAsync(b!.Id, 60, "chan-a", new SettleUsage(1, 500), Ct);
        var c = await Store.Ledger.TryReserveAsync(AccountId, 40, "gemini:generateContent", "m2", hold, Ct);
        await Store.Ledger.SettleAsync(c!.Id, 0, Ct);

        // A second settlement changes nothing.
        await Store.Ledger.SettleAsync(a.Id, 0, null, new SettleUsage(9, 99), Ct);

        var end = TimeProvider.System.GetUtcNow().AddHours(1).ToUnixTimeMilliseconds();
        var rows = await Store.Reports.UsageBucketsAsync(new UsageQuery(start, end, UsageBucket.Day, UsageGroups.Key | UsageGroups.Model), Ct);
        var mine = rows.Where(r => r.KeyId == key.Record.Id).OrderBy(r => r.Model).ToList();
        Assert.Equal(2, mine.Count);
        Assert.Equal(("m1", 2L, 3L, 130L, 70L), (mine[0].Model, mine[0].Requests, mine[0].Images, mine[0].CreditsCharged, mine[0].CreditsRefunded));
        Assert.Equal(("m2", 1L, 0L, 0L, 0L), (mine[1].Model, mine[1].Requests, mine[1].Images, mine[1].CreditsCharged, mine[1].CreditsRefunded));
        Assert.All(mine, r => Assert.Null(r.AccountId));
        Assert.All(mine, r => Assert.Null(r.AccountName));
        Assert.All(mine, r => Assert.Equal(0, r.BucketStart % 86_400_000));

        var byChannel = await Store.Reports.UsageBucketsAsync(new UsageQuery(start, end, UsageBucket.Hour, UsageGroups.Account | UsageGroups.Channel), Ct);
        Assert.Equal(130, byChannel.Where(r => r.AccountId == AccountId && r.Channel == "chan-a").Sum(r => r.CreditsCharged));
        var name = (await Store.Accounts.GetAccountAsync(AccountId, Ct))!.Name;
        Assert.All(byChannel.Where(r => r.AccountId == AccountId), r => Assert.Equal(name, r.AccountName));
        Assert.Empty(await Store.Reports.UsageBucketsAsync(new UsageQuery(end, end + 1, UsageBucket.Hour, UsageGroups.None), Ct));
    }
}
