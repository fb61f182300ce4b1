using Nanogate.IntegrationTests.Contracts.Harness;

namespace Nanogate.IntegrationTests.Contracts;

public sealed class ChannelStoreContract_on_sqlite : ChannelStoreContract
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();
}
