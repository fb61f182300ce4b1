using Nanogate.IntegrationTests.Contracts.Harness;

namespace Nanogate.IntegrationTests.Contracts;

public sealed class AdminStoreContract_on_sqlite : AdminStoreContract
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();
}
