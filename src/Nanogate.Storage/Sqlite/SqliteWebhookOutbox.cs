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

    // The delivery loop's statements, prepared once per writer connection (SqliteStatement says why): every task
    // with a webhook is claimed and recorded here.
    private static readonly SqliteStatement ExpireDue = new(
        """
        UPDATE webhook_deliveries
        SET status = 'failed',
            last_error = 'Gave up: the delivery expired after ' || attempts || ' attempt(s).' || COALESCE(' Last error: ' || last_error, '')
        WHERE status = 'pending' AND next_attempt_at <= @now AND expires_at <= @now
        """,
        "now");

    private static readonly SqliteStatement SelectDue = new(
        """
        SELECT id, account_id, url, payload, attempts, expires_at, traceparent
        FROM webhook_deliveries
        WHERE status = 'pending' AND next_attempt_at <= @now
        ORDER BY next_attempt_at
        LIMIT @free
        """,
        "now", "free");

    private static readonly SqliteStatement Lease = new("UPDATE webhook_deliveries SET next_attempt_at = @lease WHERE id = @id", "lease", "id");

    private static readonly SqliteStatement NextDue = new(NextDueSql);

    private static readonly SqliteStatement Record = new(
        """
        UPDATE webhook_deliveries
        SET status = @status, attempts = @attempts, next_attempt_at = @next, last_status = @httpStatus,
            last_error = @error, delivered_at = @deliveredAt
        WHERE id = @id AND attempts = @previous AND status = 'pending'
        """,
        "status", "attempts", "next", "httpStatus", "error", "deliveredAt", "id", "previous");

    /// <inheritdoc />
    public Task<WebhookClaim> ClaimAsync(long now, long leaseUntil, int max, CancellationToken cancellationToken) =>
        db.WriteInBackgroundAsync((c, tx) =>
        {
            // Only due rows need the expiry check: a retry is never scheduled past expiry (it fails
            // instead), so a pending row outlives its expiry only while due or leased.
            var expired = ExpireDue.Execute(c, tx, now);

            var rows = new List<WebhookDelivery>();
            using (var due = SelectDue.Query(c, tx, now, max))
            {
                while (due.Read())
                {
                    rows.Add(new WebhookDelivery(
                        due.GetString(0), due.GetString(1), due.GetString(2), due.GetString(3), due.GetInt64(4), due.GetInt64(5), due.IsDBNull(6) ? null : due.GetString(6)));
                }
            }

            foreach (var row in rows)
            {
                Lease.Execute(c, tx, leaseUntil, row.Id);
            }

            long? next;
            using (var min = NextDue.Query(c, tx))
            {
                next = min.Read() && !min.IsDBNull(0) ? min.GetInt64(0) : null;
            }

            return Task.FromResult(new WebhookClaim(expired, rows, next));
        }, cancellationToken);

    /// <inheritdoc />
    public Task<bool> RecordAsync(WebhookAttemptResult result, CancellationToken cancellationToken) =>
        db.WriteInBackgroundAsync(
            (c, tx) => Task.FromResult(Record.Execute(
                c, tx, result.Status, result.Attempts, result.NextAttemptAt, result.HttpStatus, result.Error, result.DeliveredAt, result.Id, result.PreviousAttempts) > 0),
            cancellationToken);
}
