namespace Nanogate.IntegrationTests.Infrastructure;

/// <summary>One shared server per test class (tests create their own accounts, so they never share balances).</summary>
public sealed class ServerFixture : IAsyncLifetime
{
    public NanogateServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await NanogateServer.StartAsync("Upstreams:TimeoutSeconds=2");

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
