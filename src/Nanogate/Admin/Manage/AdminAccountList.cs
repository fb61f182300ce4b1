namespace Nanogate.Admin.Manage;

/// <summary>A page of accounts: pass <see cref="NextAfter"/> as <c>?after=</c> for the next one.</summary>
/// <param name="Object">"list".</param>
/// <param name="Data">The page, newest first.</param>
/// <param name="Total">Accounts matching the search in all.</param>
/// <param name="HasMore">Whether another page follows.</param>
/// <param name="NextAfter">The cursor of the next page, or null.</param>
internal sealed record AdminAccountList(string Object, IReadOnlyList<AdminAccountResponse> Data, long Total, bool HasMore, string? NextAfter);
