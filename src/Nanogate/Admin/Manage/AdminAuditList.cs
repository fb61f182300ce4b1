namespace Nanogate.Admin.Manage;

/// <summary>A page of the audit log: pass <see cref="NextBefore"/> as <c>?before=</c> for the next (older) one.</summary>
/// <param name="Object">"list".</param>
/// <param name="Data">The page, newest first.</param>
/// <param name="Total">Entries matching in all.</param>
/// <param name="HasMore">Whether another page follows.</param>
/// <param name="NextBefore">The cursor of the next page, or null.</param>
internal sealed record AdminAuditList(string Object, IReadOnlyList<AdminAuditEntryResponse> Data, long Total, bool HasMore, long? NextBefore);
