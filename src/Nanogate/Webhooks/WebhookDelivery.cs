namespace Nanogate.Webhooks;

/// <summary>A claimed outbox row: what to send, where, and how many attempts came before (the fencing token).</summary>
internal sealed record WebhookDelivery(string Id, string AccountId, string Url, string Payload, long Attempts, long ExpiresAt);
