using Microsoft.Data.Sqlite;
using Nanogate.Storage.Reports;

namespace Nanogate.Storage.Sqlite;

/// <summary>The operator's reports on SQLite.</summary>
public sealed class SqliteAdminReports(SqliteDatabase db) : IAdminReports
{
    /// <inheritdoc />
    public Task<IReadOnlyList<UsageRow>> UsageAsync(long since, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<UsageRow>>(async c =>
        {
            // Credits from the reservations (every dialect bills through one) and the daily roll-up of those retention
            // deleted, images from the task queue.
            using var command = c.CreateCommand();
            command.CommandText = """
                SELECT u.account_id, a.name, u.model,
                       SUM(u.requests), SUM(u.charged), SUM(u.refunded), SUM(u.images_ok), SUM(u.images_failed)
                FROM (
                    SELECT r.account_id, COALESCE(r.model, 'unknown') AS model, COUNT(*) AS requests,
                           SUM(r.captured) AS charged, SUM(r.refunded) AS refunded, 0 AS images_ok, 0 AS images_failed
                    FROM reservations r WHERE r.created_at >= $since
                    GROUP BY r.account_id, COALESCE(r.model, 'unknown')
                    UNION ALL
                    SELECT d.account_id, COALESCE(d.model, 'unknown'), SUM(d.requests), SUM(d.charged), SUM(d.refunded), 0, 0
                    FROM usage_daily d WHERE d.day_start >= $since
                    GROUP BY d.account_id, COALESCE(d.model, 'unknown')
                    UNION ALL
                    SELECT t.account_id, t.model, 0, 0, 0,
                           SUM(CASE WHEN i.status = 'succeeded' THEN 1 ELSE 0 END),
                           SUM(CASE WHEN i.status = 'failed' THEN 1 ELSE 0 END)
                    FROM tasks t JOIN task_images i ON i.task_id = t.id WHERE t.created_at >= $since
                    GROUP BY t.account_id, t.model
                ) u JOIN accounts a ON a.id = u.account_id
                GROUP BY u.account_id, u.model
                ORDER BY SUM(u.charged) DESC, a.name, u.model
                """;
            command.Parameters.AddWithValue("$since", since);
            var list = new List<UsageRow>();
            using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                list.Add(new UsageRow(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt64(3), r.GetInt64(4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7)));
            }

            return list;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<UsageBucketRow>> UsageBucketsAsync(UsageQuery query, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<UsageBucketRow>>(async c =>
        {
            using var command = c.CreateCommand();
            command.CommandText = UsageSql.For(query, "TEXT", "INTEGER").Replace('@', '$');
            command.Parameters.AddWithValue("$from", query.From);
            command.Parameters.AddWithValue("$to", query.To);
            command.Parameters.AddWithValue("$width", UsageSql.Width(query.Bucket));
            var list = new List<UsageBucketRow>();
            using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                list.Add(new UsageBucketRow(r.GetInt64(0), Str(r, 1), Str(r, 2), Str(r, 3), Str(r, 4), r.GetInt64(5), r.GetInt64(6), r.GetInt64(7), r.GetInt64(8), Str(r, 9)));
            }

            return list;
        }, cancellationToken);

    private static string? Str(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetString(i);

    /// <inheritdoc />
    public Task<IReadOnlyList<ChannelUsageRow>> ChannelUsageAsync(long since, CancellationToken cancellationToken) =>
        db.ReadAsync<IReadOnlyList<ChannelUsageRow>>(async c =>
        {
            using var command = c.CreateCommand();
            command.CommandText = """
                SELECT channel, SUM(images), SUM(requests), SUM(charged) FROM (
                    SELECT COALESCE(i.channel, 'unknown') AS channel, COUNT(*) AS images, 0 AS requests, COALESCE(SUM(i.charged), 0) AS charged
                    FROM task_images i JOIN tasks t ON t.id = i.task_id
                    WHERE i.status = 'succeeded' AND t.created_at >= $since
                    GROUP BY COALESCE(i.channel, 'unknown')
                    UNION ALL
                    SELECT COALESCE(r.channel, 'unknown'), 0, COUNT(*), COALESCE(SUM(r.captured), 0)
                    FROM reservations r
                    WHERE r.purpose <> 'task' AND r.settled_at IS NOT NULL AND r.created_at >= $since
                    GROUP BY COALESCE(r.channel, 'unknown')
                    UNION ALL
                    SELECT COALESCE(d.channel, 'unknown'), 0, SUM(d.requests), SUM(d.charged)
                    FROM usage_daily d WHERE d.purpose <> 'task' AND d.day_start >= $since
                    GROUP BY COALESCE(d.channel, 'unknown')
                ) u
                GROUP BY channel
                ORDER BY SUM(charged) DESC, channel
                """;
            command.Parameters.AddWithValue("$since", since);
            var list = new List<ChannelUsageRow>();
            using var r = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await r.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                list.Add(new ChannelUsageRow(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(3)));
            }

            return list;
        }, cancellationToken);
}
