using System.ComponentModel.DataAnnotations;

namespace Nanogate.Upstreams.Gemini;

/// <summary>
/// The <c>Upstreams:Gemini</c> section. Its keys (<c>Upstreams:Gemini:ApiKeys</c>, a comma-separated
/// string or an array, else env GEMINI_API_KEY) are read by the kind itself (<see cref="GeminiChannelKind.FromConfiguration"/>).
/// </summary>
public sealed class GeminiUpstreamOptions
{
    /// <summary>Google's base URL (<c>Upstreams:Gemini:BaseUrl</c>).</summary>
    [Url(ErrorMessage = "Upstreams:Gemini:BaseUrl must be an absolute http(s) URL.")]
    public string BaseUrl { get; set; } = "https://generativelanguage.googleapis.com";
}
