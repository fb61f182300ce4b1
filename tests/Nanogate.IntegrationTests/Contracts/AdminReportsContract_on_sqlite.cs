using Nanogate.IntegrationTests.Contracts.Harness;

namespace Nanogate.IntegrationTests.Contracts;

public sealed class AdminReportsContract_on_sqlite : AdminReportsContract
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();
}
