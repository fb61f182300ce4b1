using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace Nanogate.Hosting;

/// <summary>This process's own loopback address, known once Kestrel has bound (port 0 in tests).</summary>
internal sealed class ServerAddress(IServer server)
{
    private Uri? _address;

    /// <summary>The first bound address, with wildcard hosts replaced by 127.0.0.1.</summary>
    public Uri Get()
    {
        if (_address is not null)
        {
            return _address;
        }

        var first = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The server has not bound an address yet.");
        first = first.Replace("://+:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://*:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://0.0.0.0:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://[::]:", "://127.0.0.1:", StringComparison.Ordinal);
        return _address = new Uri(first.TrimEnd('/') + "/");
    }
}
