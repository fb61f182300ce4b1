using System.Text.Json.Serialization;

namespace Nanogate.Tasks.Wire;

/// <summary>
/// The task object (<c>GET /v1/tasks/{task_id}</c>, listings, cancel, <c>Prefer: wait</c>, webhooks). Written by
/// <see cref="TaskJson"/>; this record describes it for /openapi/v1.json, and a test checks a real task against it.
/// </summary>
/// <param name="TaskId">The task id (<c>task_…</c>).</param>
/// <param name="Object">Always <c>task</c>.</param>
/// <param name="Status">pending, running, succeeded, partially_succeeded, failed or canceled.</param>
/// <param name="Model">The catalog model id.</param>
/// <param name="CreatedAt">ISO 8601 UTC.</param>
/// <param name="StartedAt">When a worker took it, or null.</param>
/// <param name="CompletedAt">When it ended, or null.</param>
/// <param name="Request">What was asked, after normalisation.</param>
/// <param name="Images">One entry per requested image.</param>
/// <param name="Text">Text the model returned with the images, or null.</param>
/// <param name="Error">Why the whole task failed, or null.</param>
/// <param name="Credits">Reserved, charged (succeeded images only) and refunded.</param>
/// <param name="Usage">Tokens over every image.</param>
/// <param name="Warnings">What was adjusted in the request (a downgraded tier, a mapped size, …).</param>
/// <param name="RequestId">The id of the submitting request.</param>
internal sealed record TaskObject(
    string TaskId,
    [property: JsonPropertyName("object")] string Object,
    string Status,
    string Model,
    string CreatedAt,
    string? StartedAt,
    string? CompletedAt,
    TaskRequestView Request,
    IReadOnlyList<TaskImageView> Images,
    string? Text,
    TaskErrorView? Error,
    TaskCreditsView Credits,
    TaskUsageView Usage,
    IReadOnlyList<string> Warnings,
    string RequestId);
