using Nanogate.IntegrationTests.Contracts.Harness;

namespace Nanogate.IntegrationTests.Contracts;

public sealed class StorageContract_on_postgres : StorageContract
{
    protected override StoreHarness CreateHarness() => new PostgresHarness();
}
