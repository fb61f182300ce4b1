namespace Nanogate.Admin.Wire;

/// <summary>Why a channel test failed.</summary>
/// <param name="Kind">The failure kind (RateLimited, Unavailable, Timeout, ContentBlocked, NoImage, …).</param>
/// <param name="Message">The upstream's explanation, redacted.</param>
/// <param name="UpstreamStatus">The upstream HTTP status, when there was one.</param>
internal sealed record ChannelTestError(string Kind, string Message, int? UpstreamStatus);
