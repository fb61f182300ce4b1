using Dapper;
using Nanogate.Storage.Webhooks;

namespace Nanogate.Storage.Postgres;

/// <summary>
/// The webhook outbox on PostgreSQL. Dispatchers of several processes claim from it at once: due rows are locked
/// with <c>FOR UPDATE SKIP LOCKED</c>, so each row is leased by exactly one of them and none waits for another.
/// </summary>
public sealed class PostgresWebhookOutbox(PostgresDatabase db) : IWebhookOutbox
{
    private const string NextDueSql = "SELECT MIN(next_attempt_at) FROM webhook_deliveries WHERE status = 'pending'";

    // Three statements, one round trip; each takes its own snapshot (READ COMMITTED), so the claim sees the expiry's
    // changes and the next-due figure sees the claim's.
    private const string ClaimSql = """
        WITH e AS (
            UPDATE webhook_deliveries
            SET status = 'failed',
                last_error = 'Gave up: the delivery expired after ' || attempts || ' attempt(s).' || COALESCE(' Last error: ' || last_error, '')
            WHERE id IN (SELECT id FROM webhook_deliveries WHERE status = 'pending' AND next_attempt_at <= @now AND expires_at <= @now FOR UPDATE SKIP LOCKED)
            RETURNING 1)
        SELECT count(*) FROM e;
        UPDATE webhook_deliveries w SET next_attempt_at = @leaseUntil
        FROM (SELECT id, next_attempt_at AS due FROM webhook_deliveries
              WHERE status = 'pending' AND next_attempt_at <= @now AND expires_at > @now
              ORDER BY next_attempt_at LIMIT @max FOR UPDATE SKIP LOCKED) x
        WHERE w.id = x.id
        RETURNING w.id AS Id, w.account_id AS AccountId, w.url AS Url, w.payload AS Payload, w.attempts AS Attempts, w.expires_at AS ExpiresAt, w.traceparent AS TraceParent, x.due AS Due;
        SELECT MIN(next_attempt_at) FROM webhook_deliveries WHERE status = 'pending';
        """;

    /// <inheritdoc />
    public Task<long?> NextDueAsync(CancellationToken cancellationToken) =>
        db.RunAsync(c => c.ExecuteScalarAsync<long?>(NextDueSql), cancellationToken);

    /// <inheritdoc />
    public Task<WebhookClaim> ClaimAsync(long now, long leaseUntil, int max, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, tx) =>
        {
            // Only due rows need the expiry check: a retry is never scheduled past expiry (it fails instead), so a
            // pending row outlives its expiry only while due or leased.
            using var results = await c.QueryMultipleAsync(ClaimSql, new { now, leaseUntil, max }, tx).ConfigureAwait(false);
            var expired = await results.ReadSingleAsync<long>().ConfigureAwait(false);
            var claimed = (await results.ReadAsync<ClaimedRow>().ConfigureAwait(false)).OrderBy(r => r.Due).ThenBy(r => r.Id, StringComparer.Ordinal).ToList();
            var next = await results.ReadSingleAsync<long?>().ConfigureAwait(false);
            return new WebhookClaim(
                (int)expired,
                [.. claimed.Select(r => new WebhookDelivery(r.Id, r.AccountId, r.Url, r.Payload, r.Attempts, r.ExpiresAt, r.TraceParent))],
                next);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RecordAsync(WebhookAttemptResult result, CancellationToken cancellationToken) =>
        db.RunAsync(async c => await c.ExecuteAsync(
            """
            UPDATE webhook_deliveries
            SET status = @status, attempts = @attempts, next_attempt_at = @next, last_status = @httpStatus,
                last_error = @error, delivered_at = @deliveredAt
            WHERE id = @id AND attempts = @previous AND status = 'pending'
            """,
            new
            {
                id = result.Id,
                previous = result.PreviousAttempts,
                status = result.Status,
                attempts = result.Attempts,
                next = result.NextAttemptAt,
                httpStatus = result.HttpStatus,
                error = result.Error,
                deliveredAt = result.DeliveredAt,
            }).ConfigureAwait(false) > 0, cancellationToken);

    private sealed class ClaimedRow
    {
        public string Id { get; set; } = "";
        public string AccountId { get; set; } = "";
        public string Url { get; set; } = "";
        public string Payload { get; set; } = "";
        public string? TraceParent { get; set; }
        public long Attempts { get; set; }
        public long ExpiresAt { get; set; }
        public long Due { get; set; }
    }
}
