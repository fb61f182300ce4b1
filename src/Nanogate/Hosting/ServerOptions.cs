namespace Nanogate.Hosting;

/// <summary>How this server is reached from outside. Bound from the <c>Server</c> configuration section.</summary>
internal sealed class ServerOptions
{
    /// <summary>
    /// The base of every absolute link Nanogate hands out (media links, <c>poll_url</c>, webhook payloads), e.g.
    /// <c>https://images.example.com</c> (<c>Server:PublicBaseUrl</c>). When set, request headers never decide it; when
    /// unset, a request's Host is trusted only if it names an address this server listens on.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>
    /// How often, in seconds, an idle process hands memory left over from a burst back to the system
    /// (<c>Server:MemoryTrimSeconds</c>; 0 turns it off). See <see cref="MemoryTrimmer"/>.
    /// </summary>
    [System.ComponentModel.DataAnnotations.Range(0, 86_400, ErrorMessage = "Server:MemoryTrimSeconds must be between 0 (off) and 86400.")]
    public int MemoryTrimSeconds { get; set; } = 30;

    /// <summary>
    /// Whether Kestrel runs request code on the thread that completed its socket operation rather than dispatching it
    /// to the thread pool again (<c>Server:InlineScheduling</c>, default false; read once at start): less CPU per
    /// synchronous generation, more per small request. See NanogateApp.
    /// </summary>
    public bool InlineScheduling { get; set; }
}
