using System.Text.Json.Serialization;

namespace Nanogate.Hosting;

/// <summary>Source-generated JSON (snake_case) for the task dialect, the catalog and the admin API.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ApiErrorBody))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
