namespace Nanogate.Storage.Admin;

/// <summary>One page of accounts, newest first.</summary>
/// <param name="Data">The page.</param>
/// <param name="Total">Accounts matching the search in all (every page).</param>
/// <param name="HasMore">Whether a page follows the last row.</param>
public sealed record AccountPage(IReadOnlyList<AccountSummary> Data, long Total, bool HasMore);
