namespace Nanogate.Storage.Retention;

/// <summary>
/// Usage retention: old reservations (one per billed request) are rolled up into daily usage rows and deleted, so the
/// detail does not grow for ever while the usage reports add up the same. The ledger entries stay (the balance is
/// their sum); they only lose the link to the reservation that was deleted.
/// </summary>
public interface IUsageRetention
{
    /// <summary>
    /// Rolls up to <paramref name="max"/> settled reservations made before <paramref name="createdBefore"/> (unix ms)
    /// into <c>usage_daily</c> (one row per UTC day, account, key, model, channel and purpose of the batch), clears the
    /// reservation of their ledger entries and deletes them, in one short transaction; returns how many. A reservation a
    /// task row still holds is left alone (task retention deletes the task first). Safe to run on every process at once
    /// (PostgreSQL: rows another process is rolling up are skipped; SQLite: one writer).
    /// </summary>
    Task<int> RollUpAsync(long createdBefore, int max, CancellationToken cancellationToken);
}
