using Microsoft.Extensions.DependencyInjection;
using Nanogate.IntegrationTests.Contracts.Harness;
using Nanogate.Storage;

namespace Nanogate.IntegrationTests.Postgres;

public sealed class PostgresLockTests
{
    [PostgresFact]
    public async Task A_named_lock_is_held_by_one_process_at_a_time_and_released_on_dispose()
    {
        await using var database = await PostgresDatabaseFixture.CreateAsync();
        var a = database.NewProcess().GetRequiredService<IStorage>();
        var b = database.NewProcess().GetRequiredService<IStorage>();
        await a.MigrateAsync(CancellationToken.None);

        var held = await a.LockAsync("bootstrap", CancellationToken.None);
        var waiting = b.LockAsync("bootstrap", CancellationToken.None);
        var other = await b.LockAsync("another-name", CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);

        await held.DisposeAsync();
        var second = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        await second.DisposeAsync();
        await other.DisposeAsync();

        // A wait can be given up.
        await using var again = await a.LockAsync("bootstrap", CancellationToken.None);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => b.LockAsync("bootstrap", cancel.Token));
    }
}
