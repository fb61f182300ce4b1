namespace Nanogate.Admin.Manage;

/// <summary>The answer to a webhook re-send: the new messages enqueued.</summary>
/// <param name="Object">"webhook_resend".</param>
/// <param name="TaskId">The task.</param>
/// <param name="Deliveries">The new messages (one per receiver URL).</param>
internal sealed record AdminWebhookResend(string Object, string TaskId, IReadOnlyList<AdminWebhookDelivery> Deliveries);
