namespace Nanogate.Storage.Admin;

/// <summary>One page of the audit log, newest first.</summary>
/// <param name="Data">The page.</param>
/// <param name="Total">Entries matching the filter in all.</param>
/// <param name="HasMore">Whether a page follows the last row.</param>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Data, long Total, bool HasMore);
