using Microsoft.Extensions.Logging;

namespace Nanogate.Upstreams.Routing;

/// <summary>What every channel kind may use: the clock, logging, default timeouts, this server's address and the SSRF-safe downloader.</summary>
/// <param name="Time">The clock (cooldowns, polling backoff).</param>
/// <param name="Loggers">Loggers.</param>
/// <param name="DefaultTimeout">A call's limit when the channel sets none.</param>
/// <param name="ConnectTimeout">The connect limit.</param>
/// <param name="SelfAddress">This server's own base address (the simulator kind talks to it).</param>
/// <param name="Downloader">Downloads image URLs an upstream hands back, under the SSRF rules.</param>
public sealed record ChannelContext(
    TimeProvider Time,
    ILoggerFactory Loggers,
    TimeSpan DefaultTimeout,
    TimeSpan ConnectTimeout,
    Func<Uri> SelfAddress,
    IImageDownloader Downloader)
{
    /// <summary>Wake-ups for relays waiting on an upstream task (null: relays only poll).</summary>
    public TaskRelay.RelayCallbacks? RelayCallbacks { get; init; }

    /// <summary>
    /// The public base URL upstreams can call this server back at (<c>Server:PublicBaseUrl</c>), or null when none is
    /// configured: a callback to an address only this machine knows would never arrive.
    /// </summary>
    public Func<string?> PublicBaseUrl { get; init; } = () => null;

    /// <summary>The call limit of <paramref name="definition"/>.</summary>
    public TimeSpan TimeoutOf(ChannelDefinition definition) =>
        definition.TimeoutSeconds is { } seconds and > 0 ? TimeSpan.FromSeconds(seconds) : DefaultTimeout;
}
