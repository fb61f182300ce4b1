using Nanogate.IntegrationTests.Contracts.Harness;

namespace Nanogate.IntegrationTests.Contracts;

public sealed class StorageContract_on_sqlite : StorageContract
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();
}
