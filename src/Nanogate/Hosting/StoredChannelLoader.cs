using Microsoft.Extensions.Options;
using Nanogate.Storage.Channels;
using Nanogate.Upstreams.Channels;

namespace Nanogate.Hosting;

/// <summary>At start (after migrations), puts the channels added through the admin API back into the router.</summary>
public sealed class StoredChannelLoader(IChannelStore store, ChannelRouter router, IOptions<UpstreamOptions> options, ILoggerFactory loggers) : IHostedService
{
    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var stored in await store.ListAsync(cancellationToken).ConfigureAwait(false))
        {
            var channel = ChannelSetup.CreateGemini(stored.Name, new Uri(stored.BaseUrl), stored.ApiKey, options.Value, loggers);
            if (router.Add(new RoutedChannel(channel, stored.Priority) { Enabled = stored.Enabled }))
            {
                continue;
            }

            channel.Dispose();
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
