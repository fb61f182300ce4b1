using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Nanogate.Hosting;

/// <summary>JSON settings of the snake_case dialects (tasks, catalog, admin).</summary>
internal static class JsonDefaults
{
    /// <summary>
    /// snake_case, nulls written, enums as snake_case strings. Types listed in <see cref="ApiJsonContext"/> are resolved
    /// through its generated metadata; anything else (a JSON tree, a type not yet listed) falls back to reflection.
    /// </summary>
    public static readonly JsonSerializerOptions Snake = new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(ApiJsonContext.Default, new DefaultJsonTypeInfoResolver()),
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };
}
