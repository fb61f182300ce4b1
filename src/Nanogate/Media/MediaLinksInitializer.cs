namespace Nanogate.Media;

/// <summary>Loads (or creates) the media signing key at start, after migrations and before requests.</summary>
internal sealed class MediaLinksInitializer(MediaLinks links) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken) => links.InitializeAsync(cancellationToken);

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
