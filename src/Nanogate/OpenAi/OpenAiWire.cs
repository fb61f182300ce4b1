using System.Text.Json.Serialization;

namespace Nanogate.OpenAi;

/// <summary>Token usage as OpenAI's image models report it.</summary>
public sealed record OpenAiUsage(long InputTokens, long OutputTokens, long TotalTokens, OpenAiInputTokensDetails InputTokensDetails);

/// <summary>The input tokens split as OpenAI does (Google does not split them; all count as text).</summary>
public sealed record OpenAiInputTokensDetails(long TextTokens, long ImageTokens);

/// <summary>GET /openai/v1/models.</summary>
public sealed record OpenAiModelList([property: JsonPropertyName("object")] string Kind, IReadOnlyList<OpenAiModel> Data);

/// <summary>One model as OpenAI lists it.</summary>
public sealed record OpenAiModel(string Id, [property: JsonPropertyName("object")] string Kind, long Created, string OwnedBy);
