using System.Collections.Concurrent;
using Dapper;
using Microsoft.Extensions.DependencyInjection;
using Nanogate.IntegrationTests.Contracts.Harness;
using Nanogate.Storage.Changes;
using Nanogate.Storage.Postgres;
using Npgsql;

namespace Nanogate.IntegrationTests.Postgres;

public sealed class PostgresChangeFeedTests
{
    [PostgresFact]
    public async Task The_listener_reconnects_after_its_connection_is_killed_and_tells_subscribers_that_anything_may_have_changed()
    {
        await using var database = await PostgresDatabaseFixture.CreateAsync();
        var listener = (PostgresChangeFeed)database.NewProcess().GetRequiredService<IChangeFeed>();
        var publisher = database.NewProcess().GetRequiredService<IChangeFeed>();
        await listener.Listening.WaitAsync(TimeSpan.FromSeconds(10));
        var heard = new BlockingCollection<string?>();
        using var subscription = listener.Subscribe(ChangeTopics.Channels, heard.Add);

        // Kill the listening sessions (one per process, the publisher's too), as a failover or a network drop would.
        await using (var admin = new NpgsqlConnection(database.ConnectionString))
        {
            var killed = await admin.ExecuteScalarAsync<int>(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%' AND pid <> pg_backend_pid()");
            Assert.Equal(2, killed);
        }

        // Back: the subscribers hear "anything" (null), then changes flow again.
        Assert.True(heard.TryTake(out var resync, TimeSpan.FromSeconds(15)), "no resync after the reconnect");
        Assert.Null(resync);
        await publisher.PublishAsync(ChangeTopics.Channels, "edited", CancellationToken.None);
        Assert.True(heard.TryTake(out var detail, TimeSpan.FromSeconds(10)), "nothing heard after the reconnect");
        Assert.Equal("edited", detail);
    }

    [PostgresFact]
    public async Task Disposing_the_feed_stops_its_listener_and_closes_its_session()
    {
        await using var database = await PostgresDatabaseFixture.CreateAsync();
        var process = database.NewProcess();
        var feed = (PostgresChangeFeed)process.GetRequiredService<IChangeFeed>();
        await feed.Listening.WaitAsync(TimeSpan.FromSeconds(10));
        await using var admin = new NpgsqlConnection(database.ConnectionString);
        const string listening = "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND query LIKE 'LISTEN%' AND state = 'idle'";
        Assert.Equal(1, await admin.ExecuteScalarAsync<long>(listening));

        await process.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        for (var i = 0; i < 50 && await admin.ExecuteScalarAsync<long>(listening) > 0; i++)
        {
            await Task.Delay(100);
        }

        Assert.Equal(0, await admin.ExecuteScalarAsync<long>(listening));
    }
}
