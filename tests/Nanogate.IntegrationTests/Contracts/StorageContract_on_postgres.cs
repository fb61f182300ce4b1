using Nanogate.IntegrationTests.Contracts.Harness;

namespace Nanogate.IntegrationTests.Contracts;

public sealed class StorageContract_on_postgres : StorageContract
{
    protected override StoreHarness CreateHarness() => new PostgresHarness();

    // SQLite runs one process, so its locks are in-process; on PostgreSQL every process shares them.
    [PostgresFact]
    public async Task A_named_lock_held_by_one_instance_makes_another_wait_until_it_is_released()
    {
        await using var second = await StartSecondInstanceAsync();
        var held = await Store.Storage.LockAsync("bootstrap", Ct);

        var waiting = second.Storage.LockAsync("bootstrap", Ct);
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);

        await held.DisposeAsync();
        await (await waiting.WaitAsync(Patience)).DisposeAsync();
    }
}
