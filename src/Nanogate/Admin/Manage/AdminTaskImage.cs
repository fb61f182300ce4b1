namespace Nanogate.Admin.Manage;

/// <summary>One image of a task as the operator sees it, with its attempts and its last error.</summary>
/// <param name="Index">0-based.</param>
/// <param name="Status">queued, running, succeeded, failed or canceled.</param>
/// <param name="Attempts">Claims so far.</param>
/// <param name="Channel">The channel that made it, or null.</param>
/// <param name="Charged">Credits captured for it.</param>
/// <param name="Url">A signed link to the image, or null.</param>
/// <param name="Error">Its last error (the final one once failed), or null.</param>
internal sealed record AdminTaskImage(long Index, string Status, long Attempts, string? Channel, long Charged, string? Url, AdminErrorInfo? Error);
