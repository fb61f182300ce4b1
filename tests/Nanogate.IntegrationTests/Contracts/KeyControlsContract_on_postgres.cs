using Nanogate.IntegrationTests.Contracts.Harness;

namespace Nanogate.IntegrationTests.Contracts;

public sealed class KeyControlsContract_on_postgres : KeyControlsContract
{
    protected override StoreHarness CreateHarness() => new PostgresHarness();
}
