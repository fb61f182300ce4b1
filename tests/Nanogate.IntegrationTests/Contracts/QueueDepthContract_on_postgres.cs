using Nanogate.IntegrationTests.Contracts.Harness;

namespace Nanogate.IntegrationTests.Contracts;

public sealed class QueueDepthContract_on_postgres : QueueDepthContract
{
    protected override StoreHarness CreateHarness() => new PostgresHarness();
}
