namespace Nanogate.Admin.Manage;

/// <summary>One webhook message of a task and how its delivery went.</summary>
/// <param name="Id">msg_… (the webhook-id header).</param>
/// <param name="Url">The receiver.</param>
/// <param name="Status">pending, delivered, failed or gone.</param>
/// <param name="Attempts">Attempts so far.</param>
/// <param name="LastStatus">The receiver's last HTTP status, or null.</param>
/// <param name="LastError">The last failure, or null.</param>
/// <param name="CreatedAt">Enqueued (ISO 8601).</param>
/// <param name="NextAttemptAt">The next try while pending (ISO 8601).</param>
/// <param name="DeliveredAt">Delivered (ISO 8601), or null.</param>
internal sealed record AdminWebhookDelivery(string Id, string Url, string Status, long Attempts, long? LastStatus, string? LastError, string? CreatedAt, string? NextAttemptAt, string? DeliveredAt);
