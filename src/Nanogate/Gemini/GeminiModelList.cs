using System.Text.Json.Serialization;

namespace Nanogate.Gemini;

/// <summary>Google's ListModels page.</summary>
internal sealed record GeminiModelList(IReadOnlyList<GeminiModelEntry> Models, [property: JsonPropertyName("nextPageToken")] string? NextPageToken);
