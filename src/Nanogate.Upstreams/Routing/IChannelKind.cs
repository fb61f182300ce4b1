namespace Nanogate.Upstreams.Routing;

/// <summary>
/// A kind of upstream: its name, how its settings are checked, and how a channel of it is made. Adding a kind is
/// one folder with an implementation of this and one line in <see cref="Nanogate.Upstreams.UpstreamServiceCollectionExtensions"/>;
/// nothing else names kinds.
/// </summary>
public interface IChannelKind
{
    /// <summary>The name used in configuration, the admin API and stored channels, e.g. "vertex".</summary>
    string Name { get; }

    /// <summary>One line for operators: what it talks to and what it needs.</summary>
    string Description { get; }

    /// <summary>Whether the channel needs an API key or other credentials.</summary>
    bool NeedsCredentials { get; }

    /// <summary>The problems of <paramref name="definition"/>, each naming its field (empty when valid).</summary>
    IReadOnlyList<string> Validate(ChannelDefinition definition);

    /// <summary>Makes the channel (owns its own connection pool; disposed when removed, if disposable).</summary>
    Channels.IUpstreamChannel Create(ChannelDefinition definition, ChannelContext context);
}
