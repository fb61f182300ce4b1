using System.ComponentModel.DataAnnotations;

namespace Nanogate.Hosting;

/// <summary>The <c>Upstreams</c> configuration section.</summary>
public sealed class UpstreamOptions
{
    /// <summary>Total time allowed for one upstream call (<c>Upstreams:TimeoutSeconds</c>).</summary>
    [Range(0.1, 3600, ErrorMessage = "Upstreams:TimeoutSeconds must be between 0.1 and 3600.")]
    public double TimeoutSeconds { get; set; } = 180;

    /// <summary>Connect timeout (<c>Upstreams:ConnectTimeoutSeconds</c>).</summary>
    [Range(0.1, 120, ErrorMessage = "Upstreams:ConnectTimeoutSeconds must be between 0.1 and 120.")]
    public double ConnectTimeoutSeconds { get; set; } = 10;

    /// <summary>Google's Gemini API.</summary>
    public GeminiUpstreamOptions Gemini { get; set; } = new();

    /// <summary>Failover, capacity waits, breakers (<c>Upstreams:Router:*</c>).</summary>
    public Nanogate.Upstreams.Routing.RouterOptions Router { get; set; } = new();
}

/// <summary>
/// The <c>Upstreams:Gemini</c> section. Its keys (<c>Upstreams:Gemini:ApiKeys</c>, a comma-separated
/// string or an array, else env GEMINI_API_KEY) are read by <see cref="ChannelSetup.GeminiKeys"/>.
/// </summary>
public sealed class GeminiUpstreamOptions
{
    /// <summary>Google's base URL (<c>Upstreams:Gemini:BaseUrl</c>).</summary>
    [Url(ErrorMessage = "Upstreams:Gemini:BaseUrl must be an absolute http(s) URL.")]
    public string BaseUrl { get; set; } = "https://generativelanguage.googleapis.com";
}
