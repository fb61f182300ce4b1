using Dapper;
using Nanogate.Storage.Reports;

namespace Nanogate.Storage.Postgres;

/// <summary>The operator's reports on PostgreSQL (each one statement, so one consistent snapshot).</summary>
public sealed class PostgresAdminReports(PostgresDatabase db) : IAdminReports
{
    /// <inheritdoc />
    public Task<IReadOnlyList<UsageRow>> UsageAsync(long since, CancellationToken cancellationToken) =>
        db.RunAsync<IReadOnlyList<UsageRow>>(async c =>
        {
            // Credits from the reservations (every dialect bills through one) and the daily roll-up of those retention
            // deleted, images from the task queue.
            var rows = await c.QueryAsync<(string AccountId, string AccountName, string Model, long Requests, long Charged, long Refunded, long ImagesOk, long ImagesFailed)>(
                """
                SELECT u.account_id, a.name, u.model,
                       SUM(u.requests)::bigint, SUM(u.charged)::bigint, SUM(u.refunded)::bigint, SUM(u.images_ok)::bigint, SUM(u.images_failed)::bigint
                FROM (
                    SELECT r.account_id, COALESCE(r.model, 'unknown') AS model, COUNT(*) AS requests,
                           SUM(r.captured) AS charged, SUM(r.refunded) AS refunded, 0 AS images_ok, 0 AS images_failed
                    FROM reservations r WHERE r.created_at >= @since
                    GROUP BY r.account_id, COALESCE(r.model, 'unknown')
                    UNION ALL
                    SELECT d.account_id, COALESCE(d.model, 'unknown'), SUM(d.requests), SUM(d.charged), SUM(d.refunded), 0, 0
                    FROM usage_daily d WHERE d.day_start >= @since
                    GROUP BY d.account_id, COALESCE(d.model, 'unknown')
                    UNION ALL
                    SELECT t.account_id, t.model, 0, 0, 0,
                           SUM(CASE WHEN i.status = 'succeeded' THEN 1 ELSE 0 END),
                           SUM(CASE WHEN i.status = 'failed' THEN 1 ELSE 0 END)
                    FROM tasks t JOIN task_images i ON i.task_id = t.id WHERE t.created_at >= @since
                    GROUP BY t.account_id, t.model
                ) u JOIN accounts a ON a.id = u.account_id
                GROUP BY u.account_id, a.name, u.model
                ORDER BY SUM(u.charged) DESC, a.name COLLATE "C", u.model COLLATE "C"
                """,
                new { since }).ConfigureAwait(false);
            return [.. rows.Select(r => new UsageRow(r.AccountId, r.AccountName, r.Model, r.Requests, r.Charged, r.Refunded, r.ImagesOk, r.ImagesFailed))];
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<UsageBucketRow>> UsageBucketsAsync(UsageQuery query, CancellationToken cancellationToken) =>
        db.RunAsync<IReadOnlyList<UsageBucketRow>>(async c =>
        {
            var rows = await c.QueryAsync<(long Bucket, string? Account, string? Key, string? Model, string? Channel, long Requests, long Images, long Charged, long Refunded, string? AccountName)>(
                UsageSql.For(query, "text", "bigint"), new { from = query.From, to = query.To, width = UsageSql.Width(query.Bucket) }).ConfigureAwait(false);
            return [.. rows.Select(r => new UsageBucketRow(r.Bucket, r.Account, r.Key, r.Model, r.Channel, r.Requests, r.Images, r.Charged, r.Refunded, r.AccountName))];
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ChannelUsageRow>> ChannelUsageAsync(long since, CancellationToken cancellationToken) =>
        db.RunAsync<IReadOnlyList<ChannelUsageRow>>(async c =>
        {
            var rows = await c.QueryAsync<(string Channel, long Images, long Requests, long Charged)>(
                """
                SELECT channel, SUM(images)::bigint, SUM(requests)::bigint, SUM(charged)::bigint FROM (
                    SELECT COALESCE(i.channel, 'unknown') AS channel, COUNT(*) AS images, 0 AS requests, COALESCE(SUM(i.charged), 0) AS charged
                    FROM task_images i JOIN tasks t ON t.id = i.task_id
                    WHERE i.status = 'succeeded' AND t.created_at >= @since
                    GROUP BY COALESCE(i.channel, 'unknown')
                    UNION ALL
                    SELECT COALESCE(r.channel, 'unknown'), 0, COUNT(*), COALESCE(SUM(r.captured), 0)
                    FROM reservations r
                    WHERE r.purpose <> 'task' AND r.settled_at IS NOT NULL AND r.created_at >= @since
                    GROUP BY COALESCE(r.channel, 'unknown')
                    UNION ALL
                    SELECT COALESCE(d.channel, 'unknown'), 0, SUM(d.requests), SUM(d.charged)
                    FROM usage_daily d WHERE d.purpose <> 'task' AND d.day_start >= @since
                    GROUP BY COALESCE(d.channel, 'unknown')
                ) u
                GROUP BY channel
                ORDER BY SUM(charged) DESC, channel COLLATE "C"
                """,
                new { since }).ConfigureAwait(false);
            return [.. rows.Select(r => new ChannelUsageRow(r.Channel, r.Images, r.Requests, r.Charged))];
        }, cancellationToken);
}
