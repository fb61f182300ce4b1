namespace Nanogate.Admin.Manage;

/// <summary>A task's images made and failed for good.</summary>
internal sealed record AdminTaskImageCounts(int Succeeded, int Failed);
