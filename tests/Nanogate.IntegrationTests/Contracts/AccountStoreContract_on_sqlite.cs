using Nanogate.IntegrationTests.Contracts.Harness;

namespace Nanogate.IntegrationTests.Contracts;

public sealed class AccountStoreContract_on_sqlite : AccountStoreContract
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();
}
