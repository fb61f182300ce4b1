using Dapper;
using Nanogate.Storage.Webhooks;

namespace Nanogate.Storage.Sqlite;

/// <summary>The webhook outbox on SQLite.</summary>
public sealed class SqliteWebhookOutbox(SqliteDatabase db) : IWebhookOutbox
{
    private const string NextDueSql = "SELECT MIN(next_attempt_at) FROM webhook_deliveries WHERE status = 'pending'";

    /// <inheritdoc />
    public Task<long?> NextDueAsync(CancellationToken cancellationToken) =>
        db.ReadAsync(c => c.ExecuteScalarAsync<long?>(NextDueSql), cancellationToken);

    /// <inheritdoc />
    public Task<WebhookClaim> ClaimAsync(long now, long leaseUntil, int max, CancellationToken cancellationToken) =>
        db.WriteInBackgroundAsync(async (c, tx) =>
        {
            // Only due rows need the expiry check: a retry is never scheduled past expiry (it fails
            // instead), so a pending row outlives its expiry only while due or leased.
            var expired = await c.ExecuteAsync(
                """
                UPDATE webhook_deliveries
                SET status = 'failed',
                    last_error = 'Gave up: the delivery expired after ' || attempts || ' attempt(s).' || COALESCE(' Last error: ' || last_error, '')
                WHERE status = 'pending' AND next_attempt_at <= @now AND expires_at <= @now
                """,
                new { now }, tx).ConfigureAwait(false);

            var rows = (await c.QueryAsync<WebhookDelivery>(
                """
                SELECT id AS Id, account_id AS AccountId, url AS Url, payload AS Payload, attempts AS Attempts, expires_at AS ExpiresAt, traceparent AS TraceParent
                FROM webhook_deliveries
                WHERE status = 'pending' AND next_attempt_at <= @now
                ORDER BY next_attempt_at
                LIMIT @free
                """,
                new { now, free = max }, tx).ConfigureAwait(false)).AsList();
            if (rows.Count > 0)
            {
                await c.ExecuteAsync(
                    "UPDATE webhook_deliveries SET next_attempt_at = @lease WHERE id IN @ids",
                    new { lease = leaseUntil, ids = rows.Select(r => r.Id).ToArray() }, tx).ConfigureAwait(false);
            }

            var next = await c.ExecuteScalarAsync<long?>(NextDueSql, transaction: tx).ConfigureAwait(false);
            return new WebhookClaim(expired, rows, next);
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RecordAsync(WebhookAttemptResult result, CancellationToken cancellationToken) =>
        db.WriteInBackgroundAsync(async (c, tx) => await c.ExecuteAsync(
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
            },
            tx).ConfigureAwait(false) > 0, cancellationToken);
}
