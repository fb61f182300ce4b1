using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.Webhooks;

/// <summary>A server that may deliver to loopback receivers, with a fast retry schedule (0.2 s, 12 s, …) and a 2 s attempt timeout.</summary>
public sealed class WebhookServerFixture : IAsyncLifetime
{
    public NanogateServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await NanogateServer.StartAsync(
        "Security:AllowPrivateNetworkTargets=true",
        "Webhooks:RetryBaseSeconds=0.2",
        "Webhooks:AttemptTimeoutSeconds=2");

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
