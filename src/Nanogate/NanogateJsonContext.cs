using System.Text.Json.Serialization;
using Nanogate.Gemini;

namespace Nanogate;

/// <summary>Source-generated JSON for the types Nanogate writes on hot paths.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GeminiErrorBody))]
[JsonSerializable(typeof(Nanogate.Operations.ReadyBody))]
[JsonSerializable(typeof(GeminiModelEntry))]
[JsonSerializable(typeof(GeminiModelList))]
internal sealed partial class NanogateJsonContext : JsonSerializerContext;
