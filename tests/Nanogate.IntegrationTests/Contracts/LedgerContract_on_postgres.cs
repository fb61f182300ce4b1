using Nanogate.IntegrationTests.Contracts.Harness;

namespace Nanogate.IntegrationTests.Contracts;

public sealed class LedgerContract_on_postgres : LedgerContract
{
    protected override StoreHarness CreateHarness() => new PostgresHarness();
}
