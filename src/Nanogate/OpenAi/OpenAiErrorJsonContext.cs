using System.Text.Json.Serialization;

namespace Nanogate.OpenAi;

/// <summary>Error bodies always carry param and code, null or not, as OpenAI's do.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(OpenAiErrorBody))]
internal sealed partial class OpenAiErrorJsonContext : JsonSerializerContext;
