using System.Text.Json.Serialization;

namespace Nanogate.Hosting;

/// <summary>
/// Source-generated JSON (snake_case) for the task dialect, the catalog and the admin API. <see cref="JsonDefaults.Snake"/>
/// resolves through it first, so <c>Results.Json(value, JsonDefaults.Snake)</c> of a type listed here uses no reflection.
/// The records that only describe a body read or written as a JSON tree (Tasks/Wire, Gemini/Wire, OpenAi/Wire) are listed
/// too, so that a test can check real answers against them with this context.
/// </summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(ApiErrorBody))]
[JsonSerializable(typeof(HealthBody))]
[JsonSerializable(typeof(RelayCallbackReceived))]
[JsonSerializable(typeof(Webhooks.WebhookSecretBody))]
[JsonSerializable(typeof(Accounts.AccountBody))]
[JsonSerializable(typeof(Admin.Wire.AdminKeyBody))]
[JsonSerializable(typeof(Admin.Wire.ChannelList))]
[JsonSerializable(typeof(Admin.Wire.ChannelView))]
[JsonSerializable(typeof(Admin.Wire.ChannelTestResult))]
[JsonSerializable(typeof(Admin.Wire.ChannelWriteRequest))]
[JsonSerializable(typeof(Admin.Wire.ChannelTestRequest))]
[JsonSerializable(typeof(Catalog.Wire.CatalogList))]
[JsonSerializable(typeof(Catalog.Wire.CatalogModel))]
[JsonSerializable(typeof(Tasks.Wire.TaskObject))]
[JsonSerializable(typeof(Tasks.Wire.TaskList))]
[JsonSerializable(typeof(Tasks.Wire.TaskAccepted))]
[JsonSerializable(typeof(Tasks.Wire.TaskSubmitRequest))]
[JsonSerializable(typeof(OpenAi.Wire.OpenAiImageGenerationRequest))]
[JsonSerializable(typeof(OpenAi.Wire.OpenAiImagesResponse))]
[JsonSerializable(typeof(Gemini.Wire.GeminiGenerateContentRequest))]
[JsonSerializable(typeof(Gemini.Wire.GeminiGenerateContentResponse))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;
