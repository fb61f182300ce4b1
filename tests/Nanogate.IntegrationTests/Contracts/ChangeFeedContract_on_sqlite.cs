using Nanogate.IntegrationTests.Contracts.Harness;

namespace Nanogate.IntegrationTests.Contracts;

public sealed class ChangeFeedContract_on_sqlite : ChangeFeedContract
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();
}
