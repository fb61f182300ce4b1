using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Nanogate.Storage.Postgres;

/// <summary>Resolves the <see cref="PostgresChangeFeed"/> when the host starts, so its listener is up before the first request.</summary>
internal sealed class PostgresChangeFeedStarter(IServiceProvider services) : IHostedService
{
    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<PostgresChangeFeed>();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
