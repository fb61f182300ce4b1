namespace Nanogate.Admin.Wire;

/// <summary>A channel's calls in the last minute.</summary>
/// <param name="Calls">Calls made.</param>
/// <param name="Failures">Calls failed.</param>
/// <param name="ErrorRate">failures / calls, 0 without calls (three decimals).</param>
internal sealed record ChannelRecentView(long Calls, long Failures, double ErrorRate);
