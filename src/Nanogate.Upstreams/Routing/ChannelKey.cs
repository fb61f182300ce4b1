namespace Nanogate.Upstreams.Routing;

/// <summary>One API key of a channel and the Google project it belongs to (keys of one project share its quota).</summary>
/// <param name="Key">The secret.</param>
/// <param name="Project">The project's id or any label; keys without one are each their own project.</param>
public sealed record ChannelKey(string Key, string? Project = null);
