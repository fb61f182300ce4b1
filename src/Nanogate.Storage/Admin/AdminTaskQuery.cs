namespace Nanogate.Storage.Admin;

/// <summary>The operator's task search; every part optional, all parts combine with AND.</summary>
/// <param name="Search">A task id, an account id, or text found in the prompt or the account's name.</param>
/// <param name="Status">One task status.</param>
/// <param name="Model">One catalog model id.</param>
/// <param name="AccountId">One account.</param>
/// <param name="From">Created at or after (unix ms).</param>
/// <param name="To">Created before (unix ms).</param>
/// <param name="Limit">Page size.</param>
/// <param name="After">The id of the last task of the previous page (newest first), or null for the first page.</param>
public sealed record AdminTaskQuery(string? Search, string? Status, string? Model, string? AccountId, long? From, long? To, int Limit, string? After);
