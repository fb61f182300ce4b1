using System.Text.Json.Serialization;

namespace Nanogate.Admin.Wire;

/// <summary>The answer of <c>DELETE /admin/v1/keys/{id}</c>.</summary>
/// <param name="Id">The key id.</param>
/// <param name="Object">Always "api_key".</param>
/// <param name="Revoked">Always true.</param>
internal sealed record AdminKeyRevoked(string Id, [property: JsonPropertyName("object")] string Object, bool Revoked);
