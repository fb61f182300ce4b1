using Nanogate.IntegrationTests.Contracts.Harness;
using Nanogate.Storage.Ledger;

namespace Nanogate.IntegrationTests.Contracts;

/// <summary><see cref="ILedger"/>: reservations never overdraw, settlements capture and release once, balances add up.</summary>
public abstract class LedgerContract : StoreContractTest
{
    private static async Task AssertConsistentAsync(StoreInstance store, string accountId)
    {
        var balance = await store.Ledger.GetBalanceAsync(accountId, Ct);
        Assert.Equal(balance.Available, await store.Ledger.RecomputeAvailableAsync(accountId, Ct));
        Assert.Equal(balance.ToppedUp, balance.Available + balance.Reserved + balance.Charged);
    }

    [ContractFact]
    public async Task A_top_up_adds_to_the_available_balance_and_returns_it()
    {
        Assert.Equal(1500, await Store.Ledger.TopUpAsync(AccountId, 500, "bank transfer", Ct));

        Assert.Equal(new AccountBalance(1500, 0, 0, 1500), await Store.Ledger.GetBalanceAsync(AccountId, Ct));
        Assert.Equal(1500, (await Store.Accounts.GetAccountAsync(AccountId, Ct))!.CreditsAvailable);
        await AssertConsistentAsync(Store, AccountId);
    }

    [ContractFact]
    public async Task A_top_up_past_the_maximum_balance_is_refused_and_writes_nothing()
    {
        Assert.Equal(ILedger.MaxBalance, await Store.Ledger.TopUpAsync(AccountId, ILedger.MaxBalance - 1000, null, Ct));

        Assert.Null(await Store.Ledger.TopUpAsync(AccountId, 1, null, Ct));

        Assert.Equal(new AccountBalance(ILedger.MaxBalance, 0, 0, ILedger.MaxBalance), await Store.Ledger.GetBalanceAsync(AccountId, Ct));
        await AssertConsistentAsync(Store, AccountId);
    }

    [ContractFact]
    public async Task Abandoned_request_holds_are_released_once_and_task_holds_and_settled_ones_are_left_alone()
    {
        var abandoned = await Store.Ledger.TryReserveAsync(AccountId, 100, "gemini:generateContent", "m", Ct);
        var task = await Store.Ledger.TryReserveAsync(AccountId, 200, "task", "m", Ct);
        var settled = await Store.Ledger.TryReserveAsync(AccountId, 50, "openai:images", "m", Ct);
        Assert.NotNull(abandoned);
        Assert.NotNull(task);
        await Store.Ledger.SettleAsync(settled!.Id, 50, Ct);

        // Nothing was made before a cutoff in the past; then everything before one in the future is.
        var past = TimeProvider.System.GetUtcNow().AddHours(-1).ToUnixTimeMilliseconds();
        var future = TimeProvider.System.GetUtcNow().AddHours(1).ToUnixTimeMilliseconds();
        Assert.Equal(0, await Store.Ledger.ReleaseAbandonedHoldsAsync(past, 100, Ct));
        Assert.Equal(1, await Store.Ledger.ReleaseAbandonedHoldsAsync(future, 100, Ct));
        Assert.Equal(0, await Store.Ledger.ReleaseAbandonedHoldsAsync(future, 100, Ct));

        Assert.Equal(new AccountBalance(1000 - 200 - 50, 200, 50, 1000), await Store.Ledger.GetBalanceAsync(AccountId, Ct));
        var released = await Store.Ledger.SettleAsync(abandoned!.Id, 100, Ct);
        Assert.Equal((0L, 100L), (released.Captured, released.Released));
        await AssertConsistentAsync(Store, AccountId);
    }

    [ContractFact]
    public async Task A_top_up_of_nothing_or_more_than_the_maximum_is_an_argument_error()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.Ledger.TopUpAsync(AccountId, 0, null, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.Ledger.TopUpAsync(AccountId, -5, null, Ct));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.Ledger.TopUpAsync(AccountId, ILedger.MaxBalance + 1, null, Ct));

        Assert.Equal(new AccountBalance(1000, 0, 0, 1000), await Store.Ledger.GetBalanceAsync(AccountId, Ct));
    }

    [ContractFact]
    public async Task A_reservation_holds_credits_and_one_beyond_the_balance_is_refused_without_a_trace()
    {
        var held = await Store.Ledger.TryReserveAsync(AccountId, 600, "generate", "model-a", Ct);
        Assert.NotNull(held);
        Assert.Equal((AccountId, 600L, 0L, 0L, (DateTimeOffset?)null), (held.AccountId, held.Amount, held.Captured, held.Released, held.SettledAt));

        Assert.Null(await Store.Ledger.TryReserveAsync(AccountId, 401, "generate", "model-a", Ct));

        Assert.Equal(new AccountBalance(400, 600, 0, 1000), await Store.Ledger.GetBalanceAsync(AccountId, Ct));
        Assert.NotNull(await Store.Ledger.TryReserveAsync(AccountId, 400, "generate", null, Ct));
        Assert.Equal(0, (await Store.Ledger.GetBalanceAsync(AccountId, Ct)).Available);
        await AssertConsistentAsync(Store, AccountId);
    }

    [ContractFact]
    public async Task Settling_captures_what_was_used_releases_the_rest_and_a_second_settlement_changes_nothing()
    {
        var held = (await Store.Ledger.TryReserveAsync(AccountId, 300, "generate", "model-a", Ct))!;

        var settled = await Store.Ledger.SettleAsync(held.Id, 120, Ct);
        Assert.Equal((300L, 120L, 180L, 0L), (settled.Amount, settled.Captured, settled.Released, settled.Outstanding));
        Assert.NotNull(settled.SettledAt);

        var again = await Store.Ledger.SettleAsync(held.Id, 300, Ct);
        Assert.Equal((120L, 180L), (again.Captured, again.Released));

        Assert.Equal(new AccountBalance(880, 0, 120, 1000), await Store.Ledger.GetBalanceAsync(AccountId, Ct));
        await AssertConsistentAsync(Store, AccountId);
    }

    [ContractFact]
    public async Task A_capture_beyond_the_reservation_is_clamped_to_what_it_holds()
    {
        var held = (await Store.Ledger.TryReserveAsync(AccountId, 100, "generate", "model-a", Ct))!;

        var settled = await Store.Ledger.SettleAsync(held.Id, 5_000, Ct);

        Assert.Equal((100L, 0L), (settled.Captured, settled.Released));
        Assert.Equal(new AccountBalance(900, 0, 100, 1000), await Store.Ledger.GetBalanceAsync(AccountId, Ct));
        await AssertConsistentAsync(Store, AccountId);
    }

    [ContractFact]
    public async Task Concurrent_reservations_from_two_instances_never_take_the_balance_below_zero()
    {
        await using var second = await StartSecondInstanceAsync();

        // 1000 credits, 40 requests of 70 each from two processes: exactly 14 fit.
        var attempts = await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
            (i % 2 == 0 ? Store : second).Ledger.TryReserveAsync(AccountId, 70, "generate", "model-a", Ct)));

        var held = attempts.Where(r => r is not null).Select(r => r!).ToList();
        Assert.Equal(14, held.Count);
        Assert.Equal(held.Count, held.Select(r => r.Id).Distinct().Count());
        var balance = await second.Ledger.GetBalanceAsync(AccountId, Ct);
        Assert.Equal(new AccountBalance(20, 980, 0, 1000), balance);
        await AssertConsistentAsync(second, AccountId);
    }

    [ContractFact]
    public async Task Settling_one_reservation_from_two_instances_at_once_captures_it_once()
    {
        await using var second = await StartSecondInstanceAsync();
        var reservations = new List<Reservation>();
        for (var i = 0; i < 10; i++)
        {
            reservations.Add((await Store.Ledger.TryReserveAsync(AccountId, 50, "generate", "model-a", Ct))!);
        }

        await Task.WhenAll(reservations.SelectMany(r => new[]
        {
            Store.Ledger.SettleAsync(r.Id, 30, Ct),
            second.Ledger.SettleAsync(r.Id, 30, Ct),
        }));

        Assert.Equal(new AccountBalance(700, 0, 300, 1000), await Store.Ledger.GetBalanceAsync(AccountId, Ct));
        await AssertConsistentAsync(Store, AccountId);
    }
}
