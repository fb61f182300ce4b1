using System.Text.Json.Nodes;

namespace Nanogate.Upstreams.Routing;

/// <summary>
/// Everything that describes a channel, whatever its kind: where it is, its secrets, and how the router treats it.
/// Built from configuration or from a stored channel; <see cref="IChannelKind"/> turns it into a channel.
/// </summary>
public sealed record ChannelDefinition
{
    /// <summary>Unique name.</summary>
    public required string Name { get; init; }

    /// <summary>The kind's name (a registered <see cref="IChannelKind"/>).</summary>
    public required string Kind { get; init; }

    /// <summary>The upstream's base URL, or null for the kind's default.</summary>
    public Uri? BaseUrl { get; init; }

    /// <summary>The secrets.</summary>
    public ChannelCredentials Credentials { get; init; } = ChannelCredentials.None;

    /// <summary>Lower goes first.</summary>
    public int Priority { get; init; } = 50;

    /// <summary>Share of the traffic among enabled channels of the same priority (relative).</summary>
    public int Weight { get; init; } = 1;

    /// <summary>Most calls in flight at once; 0 for no cap.</summary>
    public int MaxConcurrency { get; init; }

    /// <summary>Catalog model id → the upstream's model name.</summary>
    public IReadOnlyDictionary<string, string> ModelMap { get; init; } = new Dictionary<string, string>(StringComparer.Ordinal);

    /// <summary>Limit for one call on this channel, or null for <c>Upstreams:TimeoutSeconds</c>.</summary>
    public double? TimeoutSeconds { get; init; }

    /// <summary>Whether the router may use it.</summary>
    public bool Enabled { get; init; } = true;

    /// <summary>The kind's own settings (non-secret), e.g. Vertex's project and location.</summary>
    public JsonObject Settings { get; init; } = [];

    /// <summary>A string setting of the kind, or null.</summary>
    public string? Setting(string name) =>
        Settings[name] is JsonValue value && value.TryGetValue<string>(out var text) && !string.IsNullOrWhiteSpace(text) ? text : null;

    /// <summary>A number setting of the kind, or null.</summary>
    public double? NumberSetting(string name) =>
        Settings[name] is JsonValue value && value.TryGetValue<double>(out var number) ? number : null;
}
