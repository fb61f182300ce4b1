using Dapper;
using Nanogate.Storage.Retention;

namespace Nanogate.Storage.Sqlite;

/// <summary>Usage retention on SQLite: one background write per batch, so request writes wait for at most one batch.</summary>
public sealed class SqliteUsageRetention(SqliteDatabase db) : IUsageRetention
{
    /// <inheritdoc />
    public Task<int> RollUpAsync(long createdBefore, int max, CancellationToken cancellationToken) =>
        db.WriteInBackgroundAsync(async (c, tx) =>
        {
            var ids = (await c.QueryAsync<string>(UsageRollupSql.Candidates, new { createdBefore, max }, tx).ConfigureAwait(false)).ToList();
            if (ids.Count == 0)
            {
                return 0;
            }

            await c.ExecuteAsync(UsageRollupSql.Insert("id IN @ids"), new { ids }, tx).ConfigureAwait(false);
            await c.ExecuteAsync("UPDATE ledger_entries SET reservation_id = NULL WHERE reservation_id IN @ids", new { ids }, tx).ConfigureAwait(false);
            return await c.ExecuteAsync("DELETE FROM reservations WHERE id IN @ids", new { ids }, tx).ConfigureAwait(false);
        }, cancellationToken);
}
