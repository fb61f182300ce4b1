using System.Collections.Concurrent;
using Nanogate.IntegrationTests.Contracts.Harness;
using Nanogate.Storage.Changes;

namespace Nanogate.IntegrationTests.Contracts;

public sealed class ChangeFeedContract_on_postgres : ChangeFeedContract
{
    protected override StoreHarness CreateHarness() => new PostgresHarness();

    // Only PostgreSQL shares changes between processes (SQLite runs one process, its feed is in-process).
    [PostgresFact]
    public async Task A_change_published_by_another_instance_reaches_this_ones_subscriber()
    {
        await using var second = await StartSecondInstanceAsync();
        var heard = new ConcurrentQueue<string?>();
        var heardBySecond = new ConcurrentQueue<string?>();
        using var subscription = Store.Changes.Subscribe(ChangeTopics.Channels, heard.Enqueue);
        using var secondSubscription = second.Changes.Subscribe(ChangeTopics.Channels, heardBySecond.Enqueue);

        await PublishUntilHeardAsync(second, ChangeTopics.Channels, "edited", heard);

        // The publisher hears its own change too: a process's caches are cleared the same way as everyone's.
        await WaitForAsync(() => heardBySecond.Contains("edited"));
    }
}
