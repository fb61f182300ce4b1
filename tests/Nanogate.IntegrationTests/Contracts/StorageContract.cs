using Nanogate.IntegrationTests.Contracts.Harness;
using Nanogate.Storage;

namespace Nanogate.IntegrationTests.Contracts;

/// <summary><see cref="IStorage"/>: migrations run once however many processes start, and the database answers pings.</summary>
public abstract class StorageContract : StoreContractTest
{
    [ContractFact]
    public async Task Migrating_an_up_to_date_database_again_changes_nothing_and_a_ping_answers()
    {
        await Store.Storage.MigrateAsync(Ct);
        await Store.Storage.PingAsync(Ct);

        Assert.Equal("alpha", (await Store.Accounts.GetAccountAsync(AccountId, Ct))!.Name);
        Assert.False(string.IsNullOrWhiteSpace(Store.Storage.Location));
    }

    [ContractFact]
    public async Task Two_instances_starting_on_a_fresh_database_at_once_both_migrate_and_share_it()
    {
        await using var fresh = CreateHarness();
        await fresh.CreateDatabaseAsync();

        var instances = await Task.WhenAll(fresh.StartInstanceAsync(), fresh.StartInstanceAsync());

        var account = await instances[0].Accounts.CreateAccountAsync("shared", 5, Ct);
        Assert.Equal(account, await instances[1].Accounts.GetAccountAsync(account.Id, Ct));
    }

    [ContractFact]
    public async Task A_named_lock_has_one_holder_at_a_time_and_other_names_do_not_wait()
    {
        var first = await Store.Storage.LockAsync("bootstrap", Ct);
        await (await Store.Storage.LockAsync("other", Ct).WaitAsync(Patience)).DisposeAsync();

        var second = Store.Storage.LockAsync("bootstrap", Ct);
        await Task.Delay(300);
        Assert.False(second.IsCompleted);

        await first.DisposeAsync();
        await (await second.WaitAsync(Patience)).DisposeAsync();
    }

    /// <summary>How long a free lock may take to be granted before the test gives up.</summary>
    protected static TimeSpan Patience => TimeSpan.FromSeconds(10);
}
