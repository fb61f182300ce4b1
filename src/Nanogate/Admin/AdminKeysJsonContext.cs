using System.Text.Json.Serialization;

namespace Nanogate.Admin;

/// <summary>Source-generated JSON (snake_case, nulls written) of the admin keys and usage routes.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ApiKeyBody))]
[JsonSerializable(typeof(ApiKeyListBody))]
[JsonSerializable(typeof(UsageBucketsBody))]
internal sealed partial class AdminKeysJsonContext : JsonSerializerContext;
