namespace Nanogate.Storage.Transfer;

/// <summary>What a copy did and what checking it found.</summary>
/// <param name="Tables">Rows per table on both sides.</param>
/// <param name="AccountsChecked">Accounts whose balance and ledger sums were compared.</param>
/// <param name="Mismatches">One sentence per difference found; empty when both sides agree.</param>
/// <param name="Committed">True when the copy was committed (only when nothing differed).</param>
public sealed record StorageCopyReport(IReadOnlyList<TableCount> Tables, int AccountsChecked, IReadOnlyList<string> Mismatches, bool Committed);
