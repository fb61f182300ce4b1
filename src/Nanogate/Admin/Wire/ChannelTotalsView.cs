namespace Nanogate.Admin.Wire;

/// <summary>A channel's outcomes since the process started.</summary>
/// <param name="Succeeded">Calls that made an image.</param>
/// <param name="Failed">Calls that failed, whatever the kind.</param>
/// <param name="Failovers">Requests that moved on to another channel after this one failed.</param>
internal sealed record ChannelTotalsView(long Succeeded, long Failed, long Failovers);
