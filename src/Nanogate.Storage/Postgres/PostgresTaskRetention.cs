using Dapper;
using Nanogate.Storage.Retention;

namespace Nanogate.Storage.Postgres;

/// <summary>
/// Task retention on PostgreSQL: one statement per batch. The batch's task rows are locked with <c>SKIP LOCKED</c>, so
/// processes sweeping at once take different batches and never wait on each other or on a task being written.
/// </summary>
public sealed class PostgresTaskRetention(PostgresDatabase db) : ITaskRetention
{
    private const string Sql = """
        WITH doomed AS (
            SELECT id FROM tasks WHERE completed_at IS NOT NULL AND completed_at < @endedBefore
            ORDER BY completed_at LIMIT @max FOR UPDATE SKIP LOCKED),
        i AS (DELETE FROM task_images WHERE task_id IN (SELECT id FROM doomed)),
        w AS (DELETE FROM webhook_deliveries WHERE task_id IN (SELECT id FROM doomed)),
        t AS (DELETE FROM tasks WHERE id IN (SELECT id FROM doomed) RETURNING 1)
        SELECT count(*) FROM t
        """;

    /// <inheritdoc />
    public Task<int> DeleteEndedTasksAsync(long endedBefore, int max, CancellationToken cancellationToken) =>
        db.RunAsync(c => c.ExecuteScalarAsync<int>(Sql, new { endedBefore, max }), cancellationToken);
}
