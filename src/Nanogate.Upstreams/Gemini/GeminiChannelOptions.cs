namespace Nanogate.Upstreams.Gemini;

/// <summary>
/// Configuration of one Gemini-speaking upstream channel (Google's API or the simulator), bindable from
/// configuration. <see cref="GeminiChannel"/> also has a constructor taking a base-URL provider for
/// upstreams whose address is only known at run time.
/// </summary>
public sealed class GeminiChannelOptions
{
    /// <summary>The kind for Google's own API.</summary>
    public const string GeminiKind = "gemini";

    /// <summary>The kind for Nanogate's simulator.</summary>
    public const string SimulatorKind = "simulator";

    /// <summary>Unique channel name, e.g. "gemini-1".</summary>
    public string Name { get; set; } = "";

    /// <summary>"gemini" or "simulator".</summary>
    public string Kind { get; set; } = GeminiKind;

    /// <summary>Base URL, e.g. https://generativelanguage.googleapis.com (the channel appends /v1beta/models/…).</summary>
    public Uri? BaseUrl { get; set; }

    /// <summary>API key sent as <c>x-goog-api-key</c>; none when null or empty.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Limit for a whole call: from sending the request to the last byte (of the last event, when streaming).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMinutes(3);

    /// <summary>Limit for establishing the TCP (and TLS) connection.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest response body (or SSE event) accepted; larger ones are Malformed.</summary>
    public int MaxResponseBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Returns one message per invalid setting, naming it; empty when valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(Name))
        {
            errors.Add($"{nameof(Name)} is required.");
        }

        if (Kind is not (GeminiKind or SimulatorKind))
        {
            errors.Add($"{nameof(Kind)} must be \"{GeminiKind}\" or \"{SimulatorKind}\", not \"{Kind}\".");
        }

        if (BaseUrl is null || !BaseUrl.IsAbsoluteUri || (BaseUrl.Scheme != Uri.UriSchemeHttp && BaseUrl.Scheme != Uri.UriSchemeHttps))
        {
            errors.Add($"{nameof(BaseUrl)} must be an absolute http(s) URL.");
        }

        if (RequestTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(RequestTimeout)} must be positive.");
        }

        if (ConnectTimeout <= TimeSpan.Zero)
        {
            errors.Add($"{nameof(ConnectTimeout)} must be positive.");
        }

        if (MaxResponseBytes <= 0)
        {
            errors.Add($"{nameof(MaxResponseBytes)} must be positive.");
        }

        return errors;
    }
}
