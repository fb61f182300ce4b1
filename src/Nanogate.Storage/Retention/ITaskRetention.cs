namespace Nanogate.Storage.Retention;

/// <summary>
/// Deletes old task records. Usage is not affected: it is counted from the reservations, which stay with the ledger.
/// </summary>
public interface ITaskRetention
{
    /// <summary>
    /// Deletes up to <paramref name="max"/> tasks that ended before <paramref name="endedBefore"/> (unix ms), with their
    /// image rows and webhook deliveries, in one short transaction; returns how many. Safe to run on every process at
    /// once (PostgreSQL: rows another process is deleting are skipped; SQLite: one writer).
    /// </summary>
    Task<int> DeleteEndedTasksAsync(long endedBefore, int max, CancellationToken cancellationToken);
}
