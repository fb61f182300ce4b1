namespace Nanogate.Admin.Wire;

/// <summary><c>POST /admin/v1/channels/{name}/test</c>: one call on this channel alone (no failover, nothing billed).</summary>
/// <param name="Channel">The channel tested.</param>
/// <param name="Kind">Its kind.</param>
/// <param name="Model">The upstream model name called.</param>
/// <param name="Ok">Whether an image came back.</param>
/// <param name="ElapsedMs">How long the call took.</param>
/// <param name="Image">The image made, or null.</param>
/// <param name="FinishReason">The upstream's finish reason, or null.</param>
/// <param name="Error">Why the call failed, or null.</param>
internal sealed record ChannelTestResult(string Channel, string Kind, string Model, bool Ok, long ElapsedMs, ChannelTestImage? Image, string? FinishReason, ChannelTestError? Error);
