using System.Text.Json.Nodes;

namespace Nanogate.Admin.Manage;

/// <summary><c>GET /admin/v1/tasks/{id}</c>: the task object its owner sees, plus what only the operator sees.</summary>
/// <param name="Object">"admin_task".</param>
/// <param name="TaskId">task_….</param>
/// <param name="AccountId">The owner.</param>
/// <param name="AccountName">The owner's name, or null.</param>
/// <param name="Task">The task object as <c>GET /v1/tasks/{id}</c> renders it (signed image links).</param>
/// <param name="Images">Every image with its attempts and last error.</param>
/// <param name="Webhooks">Its webhook messages, oldest first.</param>
internal sealed record AdminTaskDetail(string Object, string TaskId, string AccountId, string? AccountName, JsonObject Task, IReadOnlyList<AdminTaskImage> Images, IReadOnlyList<AdminWebhookDelivery> Webhooks);
