using Dapper;
using Nanogate.Storage.Retention;

namespace Nanogate.Storage.Sqlite;

/// <summary>Task retention on SQLite: one background write per batch, so request writes wait for at most one batch.</summary>
public sealed class SqliteTaskRetention(SqliteDatabase db) : ITaskRetention
{
    /// <inheritdoc />
    public Task<int> DeleteEndedTasksAsync(long endedBefore, int max, CancellationToken cancellationToken) =>
        db.WriteInBackgroundAsync(async (c, tx) =>
        {
            var ids = (await c.QueryAsync<string>(
                "SELECT id FROM tasks WHERE completed_at IS NOT NULL AND completed_at < @endedBefore ORDER BY completed_at LIMIT @max",
                new { endedBefore, max }, tx).ConfigureAwait(false)).ToList();
            if (ids.Count == 0)
            {
                return 0;
            }

            await c.ExecuteAsync("DELETE FROM task_images WHERE task_id IN @ids", new { ids }, tx).ConfigureAwait(false);
            await c.ExecuteAsync("DELETE FROM webhook_deliveries WHERE task_id IN @ids", new { ids }, tx).ConfigureAwait(false);
            return await c.ExecuteAsync("DELETE FROM tasks WHERE id IN @ids", new { ids }, tx).ConfigureAwait(false);
        }, cancellationToken);
}
