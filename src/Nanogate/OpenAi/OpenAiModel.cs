using System.Text.Json.Serialization;

namespace Nanogate.OpenAi;

/// <summary>One model as OpenAI lists it.</summary>
internal sealed record OpenAiModel(string Id, [property: JsonPropertyName("object")] string Kind, long Created, string OwnedBy);
