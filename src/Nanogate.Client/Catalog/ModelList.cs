using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nanogate.Client;

/// <summary>The answer of <c>GET /v1/models</c>.</summary>
public sealed class ModelList
{
    /// <summary>The models.</summary>
    public IReadOnlyList<ModelInfo> Data { get; set; } = [];

    /// <summary>The catalog's other fields (credit packages, sources).</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? ExtensionData { get; set; }

    /// <summary>The model whose id or alias is <paramref name="name"/>, or null.</summary>
    public ModelInfo? Find(string name) => Data.FirstOrDefault(m => m.IsNamed(name));
}
