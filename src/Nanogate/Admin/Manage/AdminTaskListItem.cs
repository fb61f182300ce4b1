namespace Nanogate.Admin.Manage;

/// <summary>A task in the operator's task list.</summary>
/// <param name="TaskId">task_….</param>
/// <param name="Object">"task".</param>
/// <param name="AccountId">The owner.</param>
/// <param name="AccountName">The owner's name.</param>
/// <param name="Model">Catalog model id.</param>
/// <param name="Status">The task's status.</param>
/// <param name="N">Images asked for.</param>
/// <param name="Images">Images made and failed.</param>
/// <param name="PromptPreview">The first 120 characters of the prompt.</param>
/// <param name="AspectRatio">Asked aspect ratio, or null.</param>
/// <param name="Resolution">Asked resolution, or null.</param>
/// <param name="Credits">Credits held, charged, refunded.</param>
/// <param name="Error">The task's error, or null.</param>
/// <param name="CreatedAt">Submitted (ISO 8601).</param>
/// <param name="CompletedAt">Ended (ISO 8601), or null.</param>
internal sealed record AdminTaskListItem(
    string TaskId, string Object, string AccountId, string AccountName, string Model, string Status, int N, AdminTaskImageCounts Images,
    string PromptPreview, string? AspectRatio, string? Resolution, AdminTaskCredits Credits, AdminErrorInfo? Error, string? CreatedAt, string? CompletedAt);
