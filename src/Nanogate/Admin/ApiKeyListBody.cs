using System.Text.Json.Serialization;

namespace Nanogate.Admin;

/// <summary>The keys of an account.</summary>
internal sealed record ApiKeyListBody([property: JsonPropertyName("object")] string Object, IReadOnlyList<ApiKeyBody> Data);
