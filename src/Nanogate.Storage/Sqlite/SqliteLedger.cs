using Dapper;
using Nanogate.Storage.Ledger;

namespace Nanogate.Storage.Sqlite;

/// <summary>The ledger on SQLite.</summary>
public sealed class SqliteLedger(SqliteDatabase db, TimeProvider time) : ILedger
{
    private long Now => time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <inheritdoc />
    public Task<long?> TopUpAsync(string accountId, long credits, string? note, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(credits);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(credits, ILedger.MaxBalance);
        return db.WriteAsync((c, tx) => SqliteLedgerCommands.TopUpAsync(c, tx, accountId, credits, note, Now), cancellationToken);
    }

    /// <inheritdoc />
    public Task<Reservation?> TryReserveAsync(string accountId, long credits, string purpose, string? model, KeyHold? key, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(credits);
        return db.WriteAsync((c, tx) => SqliteLedgerCommands.TryReserveAsync(c, tx, accountId, credits, purpose, model, Now, key), cancellationToken);
    }

    /// <inheritdoc />
    public Task<Reservation> SettleAsync(string reservationId, long capture, string? channel, SettleUsage usage, CancellationToken cancellationToken) =>
        db.WriteAsync((c, tx) => Task.FromResult(SqliteLedgerCommands.Settle(c, tx, reservationId, capture, channel, usage, Now)), cancellationToken);

    /// <inheritdoc />
    public Task<int> ReleaseAbandonedHoldsAsync(long createdBefore, int max, CancellationToken cancellationToken) =>
        db.WriteInBackgroundAsync(async (c, tx) =>
        {
            var ids = (await c.QueryAsync<string>(
                "SELECT id FROM reservations WHERE settled_at IS NULL AND purpose <> 'task' AND created_at < @createdBefore ORDER BY created_at LIMIT @max",
                new { createdBefore, max }, tx).ConfigureAwait(false)).ToList();
            var now = Now;
            foreach (var id in ids)
            {
                await SqliteLedgerCommands.ReleaseRemainingAsync(c, tx, id, now).ConfigureAwait(false);
            }

            return ids.Count;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<AccountBalance> GetBalanceAsync(string accountId, CancellationToken cancellationToken) =>
        db.ReadAsync(async c =>
        {
            var row = await c.QuerySingleAsync<(long Available, long Reserved, long Charged, long ToppedUp, long Deducted)>(
                """
                SELECT a.credits_available,
                       COALESCE((SELECT SUM(amount - captured - released) FROM reservations WHERE account_id = a.id AND settled_at IS NULL), 0),
                       COALESCE((SELECT SUM(amount) FROM ledger_entries WHERE account_id = a.id AND kind = 'capture'), 0),
                       COALESCE((SELECT SUM(amount) FROM ledger_entries WHERE account_id = a.id AND kind = 'topup'), 0),
                       COALESCE((SELECT SUM(amount) FROM ledger_entries WHERE account_id = a.id AND kind = 'deduct'), 0)
                FROM accounts a WHERE a.id = @accountId
                """,
                new { accountId }).ConfigureAwait(false);
            return new AccountBalance(row.Available, row.Reserved, row.Charged, row.ToppedUp) { Deducted = row.Deducted };
        }, cancellationToken);

    /// <inheritdoc />
    public Task<long> RecomputeAvailableAsync(string accountId, CancellationToken cancellationToken) =>
        db.ReadAsync(c => c.ExecuteScalarAsync<long>(
            """
            SELECT COALESCE(SUM(CASE kind WHEN 'topup' THEN amount WHEN 'release' THEN amount WHEN 'reserve' THEN -amount WHEN 'deduct' THEN -amount ELSE 0 END), 0)
            FROM ledger_entries WHERE account_id = @accountId
            """,
            new { accountId }), cancellationToken);
}
