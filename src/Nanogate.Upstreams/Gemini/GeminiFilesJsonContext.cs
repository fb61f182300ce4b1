using System.Text.Json.Serialization;

namespace Nanogate.Upstreams.Gemini;

/// <summary>Source-generated JSON of the Files API shapes (camelCase, as Google writes them).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GeminiFileStart))]
[JsonSerializable(typeof(GeminiFileUpload))]
[JsonSerializable(typeof(GeminiFileResource))]
internal sealed partial class GeminiFilesJsonContext : JsonSerializerContext;
