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

/// <summary>A key's rate limits (null = none).</summary>
internal sealed record KeyRateLimitBody(int? RequestsPerMinute, int? ImagesPerMinute);

/// <summary>A key's spending caps in credits (null = none): per UTC day and per UTC calendar month.</summary>
internal sealed record KeySpendCapBody(long? Daily, long? Monthly);

/// <summary>The keys of an account.</summary>
internal sealed record ApiKeyListBody([property: JsonPropertyName("object")] string Object, IReadOnlyList<ApiKeyBody> Data);

/// <summary>One bucket of <c>GET /admin/v1/usage?bucket=</c>; a dimension not in <c>group_by</c> is null.</summary>
internal sealed record UsageBucketBody(
    DateTimeOffset BucketStart, string? AccountId, string? KeyId, string? Model, string? Channel, long Requests, long Images, long CreditsCharged, long CreditsRefunded);

/// <summary>The sums of every bucket in the window.</summary>
internal sealed record UsageTotalsBody(long Requests, long Images, long CreditsCharged, long CreditsRefunded);

/// <summary><c>GET /admin/v1/usage?bucket=hour|day</c>: buckets in time order, then by the grouped dimensions.</summary>
internal sealed record UsageBucketsBody(
    [property: JsonPropertyName("object")] string Object,
    string Bucket,
    DateTimeOffset From,
    DateTimeOffset To,
    IReadOnlyList<string> GroupBy,
    IReadOnlyList<UsageBucketBody> Data,
    UsageTotalsBody Totals);

/// <summary>Source-generated JSON (snake_case, nulls written) of the admin keys and usage routes.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ApiKeyBody))]
[JsonSerializable(typeof(ApiKeyListBody))]
[JsonSerializable(typeof(UsageBucketsBody))]
internal sealed partial class AdminKeysJsonContext : JsonSerializerContext;
