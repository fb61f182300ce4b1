namespace Nanogate.Storage.Webhooks;

/// <summary>A claimed outbox row: what to send, where, and how many attempts came before (the fencing token).</summary>
/// <param name="Id"><c>msg_…</c>: the webhook-id, the same on every attempt.</param>
/// <param name="AccountId">The owner, whose secret signs the delivery.</param>
/// <param name="Url">Where to send it.</param>
/// <param name="Payload">The exact JSON body.</param>
/// <param name="Attempts">Attempts recorded before this claim.</param>
/// <param name="ExpiresAt">Unix ms after which it is given up.</param>
/// <param name="TraceParent">The W3C traceparent of the task's submission, whose trace the delivery continues.</param>
public sealed record WebhookDelivery(string Id, string AccountId, string Url, string Payload, long Attempts, long ExpiresAt, string? TraceParent = null);
