namespace Nanogate.Upstreams.Channels;

/// <summary>A channel with its routing settings.</summary>
public sealed class RoutedChannel(IUpstreamChannel channel, int priority)
{
    /// <summary>The upstream.</summary>
    public IUpstreamChannel Channel { get; } = channel;

    /// <summary>Lower goes first.</summary>
    public int Priority { get; } = priority;

    /// <summary>Whether calls may be routed here.</summary>
    public bool Enabled { get; set; } = true;
}
