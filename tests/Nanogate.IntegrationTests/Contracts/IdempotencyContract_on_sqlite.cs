using Nanogate.IntegrationTests.Contracts.Harness;

namespace Nanogate.IntegrationTests.Contracts;

public sealed class IdempotencyContract_on_sqlite : IdempotencyContract
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();
}
