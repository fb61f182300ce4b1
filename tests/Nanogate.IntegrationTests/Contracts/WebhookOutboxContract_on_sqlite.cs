using Nanogate.IntegrationTests.Contracts.Harness;

namespace Nanogate.IntegrationTests.Contracts;

public sealed class WebhookOutboxContract_on_sqlite : WebhookOutboxContract
{
    protected override StoreHarness CreateHarness() => new SqliteHarness();
}
