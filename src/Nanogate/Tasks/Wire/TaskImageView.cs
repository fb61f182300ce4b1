namespace Nanogate.Tasks.Wire;

/// <summary>One image of a task: a signed link once succeeded, an error once failed.</summary>
/// <param name="Index">0-based.</param>
/// <param name="Status">pending, running, succeeded, failed or canceled.</param>
/// <param name="Url">A signed media link (succeeded only).</param>
/// <param name="ExpiresAt">When the link and the bytes expire (succeeded only).</param>
/// <param name="MimeType">image/png, image/jpeg or image/webp (succeeded only).</param>
/// <param name="Width">Pixels (succeeded only).</param>
/// <param name="Height">Pixels (succeeded only).</param>
/// <param name="Channel">The upstream channel that made it (succeeded only, when known).</param>
/// <param name="Error">Why it failed (failed only): upstream_unavailable, content_blocked, no_image, rate_limited, timeout, …</param>
internal sealed record TaskImageView(int Index, string Status, string? Url = null, string? ExpiresAt = null, string? MimeType = null, int? Width = null, int? Height = null, string? Channel = null, TaskErrorView? Error = null);
