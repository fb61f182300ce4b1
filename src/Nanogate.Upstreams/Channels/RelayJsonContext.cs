using System.Text.Json.Serialization;

namespace Nanogate.Upstreams.Channels;

/// <summary>Source-generated JSON for the request bodies the relay kinds send.</summary>
[JsonSerializable(typeof(Dictionary<string, object>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class RelayJsonContext : JsonSerializerContext;
