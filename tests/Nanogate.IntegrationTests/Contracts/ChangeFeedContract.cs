using System.Collections.Concurrent;
using Nanogate.IntegrationTests.Contracts.Harness;
using Nanogate.Storage.Changes;

namespace Nanogate.IntegrationTests.Contracts;

/// <summary><see cref="IChangeFeed"/>: a published change reaches the subscribers of its topic, and only theirs.</summary>
public abstract class ChangeFeedContract : StoreContractTest
{
    /// <summary>How long a hint may take to arrive before the test gives up.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Publishes on <paramref name="from"/> until <paramref name="heard"/> holds the detail: a hint may be lost while
    /// a listener is still connecting (the contract allows it), so the publisher repeats, at most for <see cref="Patience"/>.
    /// </summary>
    protected static async Task PublishUntilHeardAsync(StoreInstance from, string topic, string detail, ConcurrentQueue<string?> heard)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!heard.Contains(detail))
        {
            Assert.True(DateTime.UtcNow < deadline, $"'{detail}' on '{topic}' was not heard within {Patience.TotalSeconds} s.");
            await from.Changes.PublishAsync(topic, detail, Ct);
            for (var i = 0; i < 20 && !heard.Contains(detail); i++)
            {
                await Task.Delay(25);
            }
        }
    }

    [ContractFact]
    public async Task A_published_change_reaches_a_subscriber_of_its_topic_with_its_detail()
    {
        var heard = new ConcurrentQueue<string?>();
        using var subscription = Store.Changes.Subscribe(ChangeTopics.Keys, heard.Enqueue);

        await PublishUntilHeardAsync(Store, ChangeTopics.Keys, "hash_1", heard);

        Assert.All(heard, d => Assert.Equal("hash_1", d));
    }

    [ContractFact]
    public async Task A_change_without_detail_arrives_as_null_and_other_topics_are_not_heard()
    {
        var keys = new ConcurrentQueue<string?>();
        var channels = new ConcurrentQueue<string?>();
        using var keySubscription = Store.Changes.Subscribe(ChangeTopics.Keys, keys.Enqueue);
        using var channelSubscription = Store.Changes.Subscribe(ChangeTopics.Channels, channels.Enqueue);

        await PublishUntilHeardAsync(Store, ChangeTopics.Channels, "main", channels);
        await Store.Changes.PublishAsync(ChangeTopics.Channels, null, Ct);
        await WaitForAsync(() => channels.Contains(null));

        Assert.Empty(keys);
    }

    [ContractFact]
    public async Task A_disposed_subscription_hears_nothing_more()
    {
        var kept = new ConcurrentQueue<string?>();
        var dropped = new ConcurrentQueue<string?>();
        using var keep = Store.Changes.Subscribe(ChangeTopics.TasksDue, kept.Enqueue);
        var drop = Store.Changes.Subscribe(ChangeTopics.TasksDue, dropped.Enqueue);
        await PublishUntilHeardAsync(Store, ChangeTopics.TasksDue, "first", kept);
        await WaitForAsync(() => dropped.Contains("first"));

        drop.Dispose();
        await PublishUntilHeardAsync(Store, ChangeTopics.TasksDue, "second", kept);

        Assert.DoesNotContain("second", dropped);
    }

    /// <summary>Waits until <paramref name="condition"/> holds, failing after <see cref="Patience"/>.</summary>
    protected static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not heard within {Patience.TotalSeconds} s.");
            await Task.Delay(25);
        }
    }
}
