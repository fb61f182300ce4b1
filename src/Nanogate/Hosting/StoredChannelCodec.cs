using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Nanogate.Storage.Channels;
using Nanogate.Upstreams.Routing;

namespace Nanogate.Hosting;

/// <summary>
/// A <see cref="ChannelDefinition"/> as a <see cref="StoredChannel"/> and back: the secrets encrypted in
/// <see cref="StoredChannel.ApiKey"/>, the routing numbers and the kind's own settings in the one JSON
/// <see cref="StoredChannel.Settings"/> (<c>{"weight","max_concurrency","model_map","timeout_seconds","settings":{…}}</c>).
/// </summary>
internal sealed class StoredChannelCodec(ChannelSecrets secrets)
{
    public StoredChannel Encode(ChannelDefinition definition, long createdAt)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var settings = new JsonObject
        {
            ["weight"] = definition.Weight,
            ["max_concurrency"] = definition.MaxConcurrency,
            ["model_map"] = new JsonObject([.. definition.ModelMap.Select(kv => KeyValuePair.Create(kv.Key, (JsonNode?)kv.Value))]),
            ["timeout_seconds"] = definition.TimeoutSeconds,
            ["settings"] = definition.Settings.DeepClone(),
        };
        return new StoredChannel(
            definition.Name,
            definition.Kind,
            definition.BaseUrl?.ToString() ?? "",
            secrets.Protect(definition.Credentials),
            definition.Priority,
            definition.Enabled,
            createdAt,
            settings.ToJsonString());
    }

    /// <exception cref="System.Security.Cryptography.CryptographicException">The credentials were protected by another key ring.</exception>
    public ChannelDefinition Decode(StoredChannel stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var settings = stored.Settings is { Length: > 0 } text ? JsonNode.Parse(text) as JsonObject ?? [] : [];
        return new ChannelDefinition
        {
            Name = stored.Name,
            Kind = stored.Kind,
            BaseUrl = Uri.TryCreate(stored.BaseUrl, UriKind.Absolute, out var url) ? url : null,
            Credentials = secrets.Unprotect(stored.ApiKey),
            Priority = stored.Priority,
            Enabled = stored.Enabled,
            Weight = Number(settings["weight"]) is { } w ? (int)w : 1,
            MaxConcurrency = Number(settings["max_concurrency"]) is { } m ? (int)m : 0,
            TimeoutSeconds = Number(settings["timeout_seconds"]),
            ModelMap = settings["model_map"] is JsonObject map
                ? map.Where(kv => kv.Value is JsonValue).ToDictionary(kv => kv.Key, kv => kv.Value!.ToString(), StringComparer.Ordinal)
                : new Dictionary<string, string>(StringComparer.Ordinal),
            Settings = settings["settings"] is JsonObject own ? (JsonObject)own.DeepClone() : [],
        };
    }

    private static double? Number(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.Number ? value.GetValue<double>()
        : node is JsonValue s && s.TryGetValue<string>(out var t) && double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) ? d
        : null;
}
