namespace Nanogate.Storage.Admin;

/// <summary>A webhook delivery of a task (one message, however many attempts it took); times are unix ms.</summary>
/// <param name="Id">msg_…: the webhook-id.</param>
/// <param name="Url">Where it goes.</param>
/// <param name="Status">pending, delivered, failed or gone.</param>
/// <param name="Attempts">Attempts so far.</param>
/// <param name="LastStatus">The receiver's last HTTP status, or null.</param>
/// <param name="LastError">The last failure, or null.</param>
/// <param name="CreatedAt">Enqueued.</param>
/// <param name="NextAttemptAt">The next try while pending.</param>
/// <param name="DeliveredAt">Delivered, or null.</param>
public sealed record WebhookAttemptRow(string Id, string Url, string Status, long Attempts, long? LastStatus, string? LastError, long CreatedAt, long NextAttemptAt, long? DeliveredAt);
