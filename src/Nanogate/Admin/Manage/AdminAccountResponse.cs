namespace Nanogate.Admin.Manage;

/// <summary>An account in the admin API.</summary>
/// <param name="Id">acct_….</param>
/// <param name="Object">"account".</param>
/// <param name="Name">The operator's label.</param>
/// <param name="CreatedAt">Created.</param>
/// <param name="Disabled">Whether its keys are refused (403).</param>
/// <param name="DisabledAt">When it was disabled, or null.</param>
/// <param name="Credits">Its credits.</param>
internal sealed record AdminAccountResponse(string Id, string Object, string Name, DateTimeOffset CreatedAt, bool Disabled, DateTimeOffset? DisabledAt, AdminCredits Credits);
