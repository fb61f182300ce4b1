using Dapper;
using Nanogate.Storage.Retention;

namespace Nanogate.Storage.Postgres;

/// <summary>
/// Usage retention on PostgreSQL: one transaction per batch. The batch's reservations are locked with <c>SKIP LOCKED</c>,
/// so processes sweeping at once take different batches and never wait on each other.
/// </summary>
public sealed class PostgresUsageRetention(PostgresDatabase db) : IUsageRetention
{
    /// <inheritdoc />
    public Task<int> RollUpAsync(long createdBefore, int max, CancellationToken cancellationToken) =>
        db.WriteAsync(async (c, tx) =>
        {
            var ids = (await c.QueryAsync<string>(UsageRollupSql.Candidates + " FOR UPDATE OF r SKIP LOCKED", new { createdBefore, max }, tx).ConfigureAwait(false)).ToArray();
            if (ids.Length == 0)
            {
                return 0;
            }

            await c.ExecuteAsync(UsageRollupSql.Insert("id = ANY(@ids)"), new { ids }, tx).ConfigureAwait(false);
            await c.ExecuteAsync("UPDATE ledger_entries SET reservation_id = NULL WHERE reservation_id = ANY(@ids)", new { ids }, tx).ConfigureAwait(false);
            return await c.ExecuteAsync("DELETE FROM reservations WHERE id = ANY(@ids)", new { ids }, tx).ConfigureAwait(false);
        }, cancellationToken);
}
