using System.Text.Json.Serialization;

namespace Nanogate.Admin.Wire;

/// <summary><c>POST /admin/v1/admin-key/rotate</c>: the new admin key, shown once.</summary>
/// <param name="Object">Always <c>admin_key</c>.</param>
/// <param name="Key">The new admin key; the old one stops working at once.</param>
internal sealed record AdminKeyBody([property: JsonPropertyName("object")] string Object, string Key);
