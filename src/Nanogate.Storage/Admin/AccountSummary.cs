namespace Nanogate.Storage.Admin;

/// <summary>An account as the operator's list shows it (times are unix milliseconds).</summary>
/// <param name="Id">acct_….</param>
/// <param name="Name">The operator's label.</param>
/// <param name="CreatedAt">Created.</param>
/// <param name="CreditsAvailable">Credits free to spend.</param>
/// <param name="DisabledAt">When the operator disabled it (its keys answer 403), or null.</param>
public sealed record AccountSummary(string Id, string Name, long CreatedAt, long CreditsAvailable, long? DisabledAt);
