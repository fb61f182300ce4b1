using Nanogate.Storage.Channels;
using Nanogate.Storage.Sqlite;

namespace Nanogate.IntegrationTests.Storage;

public sealed class ChannelStoreTests : SqliteStoreTest
{
    // Stateless over the database: a fresh one per use costs nothing.
    private SqliteChannelStore Store => new(Db);

    private static StoredChannel Channel(string name, int priority, string key = "k") => new(name, "gemini", "https://g.example/", key, priority, true, T0);

    [Fact]
    public async Task A_taken_name_is_refused_without_changing_the_stored_channel()
    {
        Assert.True(await Store.AddAsync(Channel("b", 10), CancellationToken.None));
        Assert.True(await Store.AddAsync(Channel("a", 10), CancellationToken.None));
        Assert.True(await Store.AddAsync(Channel("c", 5), CancellationToken.None));

        Assert.False(await Store.AddAsync(Channel("b", 1, key: "other"), CancellationToken.None));

        Assert.Equal([Channel("c", 5), Channel("a", 10), Channel("b", 10)], await Store.ListAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Removing_or_toggling_an_unknown_name_reports_false()
    {
        Assert.True(await Store.AddAsync(Channel("a", 10), CancellationToken.None));

        Assert.False(await Store.SetEnabledAsync("none", false, CancellationToken.None));
        Assert.True(await Store.SetEnabledAsync("a", false, CancellationToken.None));
        Assert.False(Assert.Single(await Store.ListAsync(CancellationToken.None)).Enabled);

        Assert.False(await Store.RemoveAsync("none", CancellationToken.None));
        Assert.True(await Store.RemoveAsync("a", CancellationToken.None));
        Assert.Empty(await Store.ListAsync(CancellationToken.None));
    }
}
