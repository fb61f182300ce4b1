using System.Net;

namespace Nanogate.Security;

/// <summary>
/// How <see cref="SafeHttp"/> resolves and judges targets. Production builds it from
/// <c>Security:AllowPrivateNetworkTargets</c>; tests replace the resolver and, to stand in for the
/// public internet on loopback, the address and port rules.
/// </summary>
internal sealed record SafeHttpSettings
{
    /// <summary>Allow loopback/private addresses and any port (tests only).</summary>
    public bool AllowPrivateNetworkTargets { get; init; }

    /// <summary>Resolves a host name to its addresses (default: the system resolver).</summary>
    public Func<string, CancellationToken, Task<IPAddress[]>> Resolve { get; init; } = static (host, ct) => Dns.GetHostAddressesAsync(host, ct);

    /// <summary>Why an address is refused, or null when allowed (default: <see cref="NetworkPolicy.Classify"/>).</summary>
    public Func<IPAddress, string?> ClassifyAddress { get; init; } = NetworkPolicy.Classify;

    /// <summary>Whether a port may be used when private targets are not allowed (default: 80 and 443).</summary>
    public Func<int, bool> IsAllowedPort { get; init; } = static port => port is 80 or 443;

    /// <summary>Time to establish a connection, DNS included.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Time for a whole image fetch, redirects and body included.</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromSeconds(20);
}
