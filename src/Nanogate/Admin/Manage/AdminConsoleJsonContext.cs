using System.Text.Json.Serialization;

namespace Nanogate.Admin.Manage;

/// <summary>Source-generated JSON (snake_case) for the console's admin routes.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(AdminAccountResponse))]
[JsonSerializable(typeof(AdminAccountList))]
[JsonSerializable(typeof(AdminDeductionResponse))]
[JsonSerializable(typeof(AdminAuditList))]
[JsonSerializable(typeof(AdminTaskList))]
[JsonSerializable(typeof(AdminTaskDetail))]
[JsonSerializable(typeof(AdminWebhookResend))]
internal sealed partial class AdminConsoleJsonContext : JsonSerializerContext;
