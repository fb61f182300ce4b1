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
}

/// <summary>The <c>Upstreams:Gemini</c> section.</summary>
public sealed class GeminiUpstreamOptions
{
    /// <summary>Google API keys, comma-separated or as an array (<c>Upstreams:Gemini:ApiKeys</c>); defaults to env GEMINI_API_KEY.</summary>
    public string? ApiKeys { get; set; }

    /// <summary>Google's base URL (<c>Upstreams:Gemini:BaseUrl</c>).</summary>
    [Url(ErrorMessage = "Upstreams:Gemini:BaseUrl must be an absolute http(s) URL.")]
    public string BaseUrl { get; set; } = "https://generativelanguage.googleapis.com";
}
