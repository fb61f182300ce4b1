namespace Nanogate.Storage.Transfer;

/// <summary>One table as it travels between providers: its name and the columns every row lists its values in.</summary>
/// <param name="Name">The table name, the same in every provider's schema.</param>
/// <param name="Columns">Column names, in the order of each row's values.</param>
public sealed record TransferTable(string Name, IReadOnlyList<string> Columns);
