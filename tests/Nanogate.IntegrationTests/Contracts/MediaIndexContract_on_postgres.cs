using Nanogate.IntegrationTests.Contracts.Harness;

namespace Nanogate.IntegrationTests.Contracts;

public sealed class MediaIndexContract_on_postgres : MediaIndexContract
{
    protected override StoreHarness CreateHarness() => new PostgresHarness();
}
