using Nanogate.IntegrationTests.Contracts.Harness;

namespace Nanogate.IntegrationTests.Contracts;

public sealed class ChannelStoreContract_on_postgres : ChannelStoreContract
{
    protected override StoreHarness CreateHarness() => new PostgresHarness();
}
