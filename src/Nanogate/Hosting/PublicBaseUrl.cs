using Microsoft.Extensions.Options;

namespace Nanogate.Hosting;

/// <summary>
/// The scheme://host[:port] that links in answers and webhooks start with. A forged <c>Host</c> header must not turn
/// signed media links or stored webhook payloads into links to another site, so the request only decides it when it
/// names one of this server's own listening addresses; otherwise <c>Server:PublicBaseUrl</c>, else the first
/// listening address.
/// </summary>
internal sealed class PublicBaseUrl(IOptions<ServerOptions> options, ServerAddress address, Microsoft.AspNetCore.Hosting.Server.IServer server)
{
    private readonly string? _configured = options.Value.PublicBaseUrl is { Length: > 0 } url ? url.TrimEnd('/') : null;

    /// <summary>The base for links in the answer to <paramref name="request"/> (no trailing slash).</summary>
    public string For(HttpRequest request)
    {
        if (_configured is not null)
        {
            return _configured;
        }

        var host = request.Host;
        if (host.HasValue && IsListeningAddress(request.Scheme, host))
        {
            return $"{request.Scheme}://{host.Value}";
        }

        return address.Get().GetLeftPart(UriPartial.Authority);
    }

    private bool IsListeningAddress(string scheme, HostString host)
    {
        var addresses = server.Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses;
        if (addresses is null)
        {
            return false;
        }

        var port = host.Port ?? (scheme == "https" ? 443 : 80);
        foreach (var listening in addresses)
        {
            // Kestrel reports wildcard bindings as http://[::]:8080, http://0.0.0.0:8080, http://+:8080 or http://*:8080.
            var normalized = listening.Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal);
            if (!Uri.TryCreate(normalized, UriKind.Absolute, out var bound) || bound.Scheme != scheme || bound.Port != port)
            {
                continue;
            }

            var wildcard = bound.Host is "0.0.0.0" or "[::]" or "::";
            if (string.Equals(bound.Host, host.Host, StringComparison.OrdinalIgnoreCase) || IsLoopbackName(host.Host) && (wildcard || IsLoopbackName(bound.Host)))
            {
                return true;
            }

            // On a wildcard binding any name reaches this port; only an IP literal is known to be one of ours.
            if (wildcard && System.Net.IPAddress.TryParse(host.Host.Trim('[', ']'), out _))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsLoopbackName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || (System.Net.IPAddress.TryParse(host.Trim('[', ']'), out var ip) && System.Net.IPAddress.IsLoopback(ip));
}
