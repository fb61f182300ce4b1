using System.Text.Json.Serialization;

namespace Nanogate.OpenAi;

/// <summary>Source-generated JSON (snake_case) for the OpenAI dialect's answers.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OpenAiModelList))]
[JsonSerializable(typeof(OpenAiModel))]
internal sealed partial class OpenAiJsonContext : JsonSerializerContext;

/// <summary>Error bodies always carry param and code, null or not, as OpenAI's do.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(OpenAiErrorBody))]
internal sealed partial class OpenAiErrorJsonContext : JsonSerializerContext;
