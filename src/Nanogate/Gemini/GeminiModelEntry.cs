using System.Text.Json.Serialization;
using Nanogate.Core.Catalog;

namespace Nanogate.Gemini;

/// <summary>A model as Google's ListModels describes it.</summary>
/// <remarks>camelCase names are explicit: the OpenAPI document describes schemas with snake_case by default (the other dialects').</remarks>
internal sealed record GeminiModelEntry(
    string Name,
    [property: JsonPropertyName("baseModelId")] string BaseModelId,
    string Version,
    [property: JsonPropertyName("displayName")] string DisplayName,
    string Description,
    [property: JsonPropertyName("inputTokenLimit")] int InputTokenLimit,
    [property: JsonPropertyName("outputTokenLimit")] int OutputTokenLimit,
    [property: JsonPropertyName("supportedGenerationMethods")] IReadOnlyList<string> SupportedGenerationMethods,
    bool Thinking)
{
    /// <summary>The entry for a catalog model.</summary>
    public static GeminiModelEntry From(ModelInfo model) => new(
        "models/" + model.Id,
        model.Id,
        model.Id.Contains("2.5", StringComparison.Ordinal) ? "2.5" : model.Id.Contains("3.1", StringComparison.Ordinal) ? "3.1" : "3.0",
        model.DisplayName,
        model.Description,
        model.InputTokenLimit,
        model.OutputTokenLimit,
        ["generateContent", "streamGenerateContent"],
        model.Thinking != ThinkingSupport.None);
}
