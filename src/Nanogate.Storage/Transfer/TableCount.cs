namespace Nanogate.Storage.Transfer;

/// <summary>One table's rows on both sides of a copy.</summary>
/// <param name="Table">The table.</param>
/// <param name="Source">Rows in the source.</param>
/// <param name="Target">Rows in the target after the copy.</param>
public sealed record TableCount(string Table, long Source, long Target);
