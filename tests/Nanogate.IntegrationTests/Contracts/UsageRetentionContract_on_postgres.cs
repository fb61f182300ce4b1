using Nanogate.IntegrationTests.Contracts.Harness;

namespace Nanogate.IntegrationTests.Contracts;

public sealed class UsageRetentionContract_on_postgres : UsageRetentionContract
{
    protected override StoreHarness CreateHarness() => new PostgresHarness();
}
