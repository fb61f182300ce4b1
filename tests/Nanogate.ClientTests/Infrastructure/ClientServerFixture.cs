using Nanogate.Client;
using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.ClientTests.Infrastructure;

/// <summary>
/// One real Nanogate per test class (Kestrel on loopback, its own database, the simulator at zero latency), with
/// private-network webhook targets allowed so a loopback receiver can get deliveries. Tests make their own accounts.
/// </summary>
public sealed class ClientServerFixture : IAsyncLifetime
{
    public NanogateServer Server { get; private set; } = null!;

    public async Task InitializeAsync() =>
        Server = await NanogateServer.StartAsync("Upstreams:TimeoutSeconds=10", "Security:AllowPrivateNetworkTargets=true");

    public async Task DisposeAsync() => await Server.DisposeAsync();

    /// <summary>A fresh account with <paramref name="credits"/> and a client carrying its key.</summary>
    public async Task<(TestAccount Account, NanogateClient Client)> ClientAsync(long credits = 10_000)
    {
        var account = await Server.CreateAccountAsync(credits);
        return (account, new NanogateClient(Server.BaseAddress, account.Key));
    }
}
