using Nanogate.IntegrationTests.Contracts.Harness;
using Nanogate.Storage.Channels;

namespace Nanogate.IntegrationTests.Contracts;

/// <summary><see cref="IChannelStore"/>: unique names, expected outcomes as return values, every field stored as given.</summary>
public abstract class ChannelStoreContract : StoreContractTest
{
    private static StoredChannel Channel(string name, int priority, string key = "k") => new(name, "gemini", "https://g.example/", key, priority, true, T0);

    [ContractFact]
    public async Task A_taken_name_is_refused_without_changing_the_stored_channel()
    {
        Assert.True(await Store.Channels.AddAsync(Channel("b", 10), Ct));
        Assert.True(await Store.Channels.AddAsync(Channel("a", 10), Ct));
        Assert.True(await Store.Channels.AddAsync(Channel("c", 5), Ct));

        Assert.False(await Store.Channels.AddAsync(Channel("b", 1, key: "other"), Ct));

        Assert.Equal([Channel("c", 5), Channel("a", 10), Channel("b", 10)], await Store.Channels.ListAsync(Ct));
    }

    [ContractFact]
    public async Task Names_are_case_sensitive()
    {
        Assert.True(await Store.Channels.AddAsync(Channel("main", 1), Ct));
        Assert.True(await Store.Channels.AddAsync(Channel("Main", 1), Ct));

        Assert.Equal(["Main", "main"], (await Store.Channels.ListAsync(Ct)).Select(c => c.Name).Order(StringComparer.Ordinal));
    }

    [ContractFact]
    public async Task Removing_or_toggling_an_unknown_name_reports_false()
    {
        Assert.True(await Store.Channels.AddAsync(Channel("a", 10), Ct));

        Assert.False(await Store.Channels.SetEnabledAsync("none", false, Ct));
        Assert.True(await Store.Channels.SetEnabledAsync("a", false, Ct));
        Assert.False(Assert.Single(await Store.Channels.ListAsync(Ct)).Enabled);

        Assert.False(await Store.Channels.RemoveAsync("none", Ct));
        Assert.True(await Store.Channels.RemoveAsync("a", Ct));
        Assert.Empty(await Store.Channels.ListAsync(Ct));
    }

    [ContractFact]
    public async Task Any_kind_and_its_settings_are_stored_as_given()
    {
        var relay = new StoredChannel("relay", "openai-images", "https://r.example/v1", "enc:secret", 3, false, T0 + 7, """{"weight":5,"models":{"a":"b"}}""");

        Assert.True(await Store.Channels.AddAsync(relay, Ct));

        Assert.Equal(relay, Assert.Single(await Store.Channels.ListAsync(Ct)));
    }

    [ContractFact]
    public async Task An_update_replaces_every_field_but_the_creation_time_and_an_unknown_name_reports_false()
    {
        Assert.True(await Store.Channels.AddAsync(Channel("a", 10) with { Settings = """{"weight":1}""" }, Ct));
        var edited = new StoredChannel("a", "vertex", "https://v.example/", "k2", 1, false, T0 + 999, null);

        Assert.True(await Store.Channels.UpdateAsync(edited, Ct));
        Assert.False(await Store.Channels.UpdateAsync(edited with { Name = "none" }, Ct));

        Assert.Equal(edited with { CreatedAt = T0 }, Assert.Single(await Store.Channels.ListAsync(Ct)));
    }

    [ContractFact]
    public async Task Of_two_instances_adding_one_name_at_once_exactly_one_succeeds()
    {
        await using var second = await StartSecondInstanceAsync();

        for (var round = 0; round < 10; round++)
        {
            var added = await Task.WhenAll(
                Store.Channels.AddAsync(Channel($"c{round}", 1, key: "first"), Ct),
                second.Channels.AddAsync(Channel($"c{round}", 1, key: "second"), Ct));

            Assert.Single(added, a => a);
        }

        Assert.Equal(10, (await second.Channels.ListAsync(Ct)).Count);
    }
}
