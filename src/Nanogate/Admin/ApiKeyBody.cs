using System.Text.Json.Serialization;

namespace Nanogate.Admin;

/// <summary>An API key as the admin API shows it (the plaintext <c>key</c> only in the answer that created it).</summary>
internal sealed record ApiKeyBody(
    string Id,
    [property: JsonPropertyName("object")] string Object,
    string AccountId,
    string? Name,
    string Prefix,
    string? Key,
    string? ImageDelivery,
    string ImagesApi,
    string CallbackFormat,
    DateTimeOffset CreatedAt,
    DateTimeOffset? RevokedAt,
    DateTimeOffset? ExpiresAt,
    KeyRateLimitBody RateLimit,
    KeySpendCapBody SpendCap,
    DateTimeOffset? LastUsedAt);
