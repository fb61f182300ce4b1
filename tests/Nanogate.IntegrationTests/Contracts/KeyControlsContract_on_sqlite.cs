using Nanogate.IntegrationTests.Contracts.Harness;

namespace Nanogate.IntegrationTests.Contracts;

public sealed class KeyControlsContract_on_sqlite : KeyControlsContract
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();
}
