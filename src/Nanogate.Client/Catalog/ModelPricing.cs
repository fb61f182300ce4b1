using System.Text.Json;
using System.Text.Json.Serialization;

namespace Nanogate.Client;

/// <summary>A model's prices.</summary>
public sealed class ModelPricing
{
    /// <summary>Credits per image, per resolution tier.</summary>
    public IReadOnlyDictionary<string, long>? CreditsPerImage { get; set; }

    /// <summary>The other price fields (USD ranges, token prices).</summary>
    [JsonExtensionData]
    public IDictionary<string, JsonElement>? ExtensionData { get; set; }
}
