namespace Nanogate.Upstreams.Routing;

/// <summary>A channel's secrets: API keys (a pool) and/or a Google service-account JSON key. Never logged, never returned.</summary>
/// <param name="Keys">API keys, each tagged with its project.</param>
/// <param name="ServiceAccountJson">A Google service-account key file's JSON (Vertex AI), or null.</param>
public sealed record ChannelCredentials(IReadOnlyList<ChannelKey> Keys, string? ServiceAccountJson = null)
{
    /// <summary>No credentials.</summary>
    public static ChannelCredentials None { get; } = new([]);

    /// <summary>A masked hint for operators: the kind of secret and the last four characters of each key.</summary>
    public string Hint()
    {
        var parts = Keys.Select(k => (k.Project is null ? "" : k.Project + ":") + "…" + (k.Key.Length > 8 ? k.Key[^4..] : "")).ToList();
        if (ServiceAccountJson is not null)
        {
            parts.Add("service account");
        }

        return parts.Count == 0 ? "" : string.Join(", ", parts);
    }
}
