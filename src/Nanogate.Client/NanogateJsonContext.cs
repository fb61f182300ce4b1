using System.Text.Json.Serialization;

namespace Nanogate.Client;

/// <summary>Source-generated JSON for the task dialect (snake_case; nulls are not sent), trim- and AOT-safe.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.Strict)]
[JsonSerializable(typeof(ImageTaskRequest))]
[JsonSerializable(typeof(NanogateTask))]
[JsonSerializable(typeof(TaskList))]
[JsonSerializable(typeof(ModelList))]
[JsonSerializable(typeof(ModelInfo))]
[JsonSerializable(typeof(AccountInfo))]
[JsonSerializable(typeof(WebhookSecret))]
[JsonSerializable(typeof(TaskEvent))]
[JsonSerializable(typeof(ErrorEnvelope))]
internal sealed partial class NanogateJsonContext : JsonSerializerContext
{
}
