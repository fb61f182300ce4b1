using Nanogate.IntegrationTests.Infrastructure;

namespace Nanogate.IntegrationTests.OpenAi;

/// <summary>A shared server whose upstream timeout leaves room for the simulator to render 2K images on a busy machine.</summary>
public sealed class OpenAiServerFixture : IAsyncLifetime
{
    public NanogateServer Server { get; private set; } = null!;

    public async Task InitializeAsync() => Server = await NanogateServer.StartAsync("Upstreams:TimeoutSeconds=60");

    public async Task DisposeAsync() => await Server.DisposeAsync();
}
