using System.Text.Json.Serialization;

namespace Nanogate.OpenAi;

/// <summary>Source-generated JSON (snake_case) for the OpenAI dialect's answers.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(OpenAiModelList))]
[JsonSerializable(typeof(OpenAiModel))]
internal sealed partial class OpenAiJsonContext : JsonSerializerContext;
