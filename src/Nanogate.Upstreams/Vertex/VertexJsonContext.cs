using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Nanogate.Upstreams.Vertex;

/// <summary>Source-generated JSON for the few Vertex bodies rewritten here.</summary>
[JsonSerializable(typeof(JsonObject))]
internal sealed partial class VertexJsonContext : JsonSerializerContext;
