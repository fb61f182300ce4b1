namespace Nanogate.Storage.Transfer;

/// <summary>What a copy is checked by, read the same way on both sides: rows per table and every account's money.</summary>
/// <param name="RowCounts">Rows per table name.</param>
/// <param name="Accounts">Every account's balance and ledger sums.</param>
public sealed record StorageTally(IReadOnlyDictionary<string, long> RowCounts, IReadOnlyList<AccountTally> Accounts);
