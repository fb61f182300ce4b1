using System.Text.Json.Serialization;

namespace Nanogate.OpenAi;

/// <summary>GET /openai/v1/models.</summary>
internal sealed record OpenAiModelList([property: JsonPropertyName("object")] string Kind, IReadOnlyList<OpenAiModel> Data);
