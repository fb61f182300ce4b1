using System.ComponentModel.DataAnnotations;

namespace Nanogate.Hosting;

/// <summary>The <c>Upstreams</c> configuration section.</summary>
internal sealed class UpstreamOptions
{
    /// <summary>Total time allowed for one upstream call (<c>Upstreams:TimeoutSeconds</c>).</summary>
    [Range(0.1, 3600, ErrorMessage = "Upstreams:TimeoutSeconds must be between 0.1 and 3600.")]
    public double TimeoutSeconds { get; set; } = 180;

    /// <summary>Connect timeout (<c>Upstreams:ConnectTimeoutSeconds</c>).</summary>
    [Range(0.1, 120, ErrorMessage = "Upstreams:ConnectTimeoutSeconds must be between 0.1 and 120.")]
    public double ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>Google's Gemini API.</summary>
    public Nanogate.Upstreams.Gemini.GeminiUpstreamOptions Gemini { get; set; } = new();

    /// <summary>Failover, capacity waits, breakers (<c>Upstreams:Router:*</c>).</summary>
    public Nanogate.Upstreams.Routing.RouterOptions Router { get; set; } = new();
}
