using Nanogate.Storage.Reports;

namespace Nanogate.Storage.Admin;

/// <summary>One page of the operator's task search, newest first.</summary>
/// <param name="Data">The page.</param>
/// <param name="Total">Tasks matching the search in all.</param>
/// <param name="HasMore">Whether a page follows the last row.</param>
public sealed record AdminTaskPage(IReadOnlyList<AdminTaskRow> Data, long Total, bool HasMore);
