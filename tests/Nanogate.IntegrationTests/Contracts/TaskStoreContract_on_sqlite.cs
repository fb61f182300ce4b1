using Nanogate.IntegrationTests.Contracts.Harness;

namespace Nanogate.IntegrationTests.Contracts;

public sealed class TaskStoreContract_on_sqlite : TaskStoreContract
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();
}
