using System.Text.Json.Serialization;

namespace Nanogate.Accounts;

/// <summary><c>GET /v1/account</c>: the caller's account and credits.</summary>
/// <param name="Id">The account id.</param>
/// <param name="Object">Always <c>account</c>.</param>
/// <param name="Name">The account's name.</param>
/// <param name="KeyId">The id of the key that made this request.</param>
/// <param name="Credits">The balance.</param>
internal sealed record AccountBody(
    string Id,
    [property: JsonPropertyName("object")] string Object,
    string? Name,
    [property: JsonPropertyName("key_id")] string KeyId,
    AccountCredits Credits);
