namespace Nanogate.Storage.Accounts;

/// <summary>An API key as stored: never the key itself, only its hash and a display prefix.</summary>
/// <param name="ImageDelivery">The key's default for the Gemini dialect's image delivery ("inline" or "url"), or null.</param>
public sealed record ApiKeyRecord(string Id, string AccountId, string Prefix, string? Name, string? ImageDelivery, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);
