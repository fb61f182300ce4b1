namespace Nanogate.Storage.Transfer;

/// <summary>
/// Copies a whole database from one provider to another through <see cref="IStorageSnapshot"/> and
/// <see cref="IStorageImportTransaction"/>, knowing neither provider: every table in dependency order, then the same
/// tally on both sides, and a commit only when they agree.
/// </summary>
public static class StorageCopier
{
    /// <summary>
    /// Copies every table of <paramref name="source"/> into <paramref name="target"/> and compares row counts per table
    /// and every account's balance and ledger sums; commits when they all agree, otherwise leaves the transaction to be
    /// rolled back by its disposal and reports the differences.
    /// </summary>
    public static async Task<StorageCopyReport> CopyAsync(IStorageSnapshot source, IStorageImportTransaction target, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(target);
        foreach (var table in source.Tables)
        {
            await target.WriteAsync(table, source.ReadRowsAsync(table, cancellationToken), cancellationToken).ConfigureAwait(false);
        }

        var names = source.Tables.Select(t => t.Name).ToList();
        var before = await source.TallyAsync(names, cancellationToken).ConfigureAwait(false);
        var after = await target.TallyAsync(names, cancellationToken).ConfigureAwait(false);
        var counts = names.Select(n => new TableCount(n, before.RowCounts[n], after.RowCounts[n])).ToList();
        var mismatches = Compare(counts, before.Accounts, after.Accounts);
        if (mismatches.Count == 0)
        {
            await target.CommitAsync(cancellationToken).ConfigureAwait(false);
        }

        return new StorageCopyReport(counts, before.Accounts.Count, mismatches, Committed: mismatches.Count == 0);
    }

    private static List<string> Compare(List<TableCount> counts, IReadOnlyList<AccountTally> source, IReadOnlyList<AccountTally> target)
    {
        var mismatches = counts.Where(c => c.Source != c.Target)
            .Select(c => $"Table {c.Table}: {c.Source} rows in the source, {c.Target} in the target.")
            .ToList();

        // Keyed by id, not compared in order: the providers sort text differently (byte order against a collation).
        var copied = target.ToDictionary(a => a.AccountId, StringComparer.Ordinal);
        foreach (var account in source)
        {
            if (!copied.TryGetValue(account.AccountId, out var other))
            {
                mismatches.Add($"Account {account.AccountId} is missing from the target.");
            }
            else if (other != account)
            {
                mismatches.Add($"Account {account.AccountId} differs: source {Describe(account)}; target {Describe(other)}.");
            }
        }

        mismatches.AddRange(target.Where(a => !source.Any(s => s.AccountId == a.AccountId)).Select(a => $"Account {a.AccountId} is in the target only."));
        return mismatches;
    }

    private static string Describe(AccountTally a) =>
        $"available {a.Available}, topped up {a.ToppedUp}, reserved {a.Reserved}, captured {a.Captured}, released {a.Released}";
}
