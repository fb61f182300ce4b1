namespace Nanogate.Storage.Webhooks;

/// <summary>
/// The webhook outbox (<c>webhook_deliveries</c>), from the dispatcher's side: rows are written with a
/// task's terminal state (see the task store); here they are claimed with a lease and their attempts
/// recorded, fenced by the attempt count. Times are unix milliseconds.
/// </summary>
public interface IWebhookOutbox
{
    /// <summary>The earliest <c>next_attempt_at</c> of the pending rows, or null; a read only (no write lock).</summary>
    Task<long?> NextDueAsync(CancellationToken cancellationToken);

    /// <summary>
    /// In one write transaction: fails due rows past their expiry, then leases up to <paramref name="max"/> due rows
    /// (earliest first) by moving their <c>next_attempt_at</c> to <paramref name="leaseUntil"/>.
    /// </summary>
    Task<WebhookClaim> ClaimAsync(long now, long leaseUntil, int max, CancellationToken cancellationToken);

    /// <summary>Records an attempt's result; false when the row moved on (a newer attempt owns it, or it is no longer pending).</summary>
    Task<bool> RecordAsync(WebhookAttemptResult result, CancellationToken cancellationToken);
}
