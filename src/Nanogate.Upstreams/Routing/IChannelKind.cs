using Microsoft.Extensions.Configuration;

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

    /// <summary>
    /// Whether this kind stands in when nothing real is configured (the simulator): its configuration channels are
    /// asked for after every other kind's, and told how many real ones there were.
    /// </summary>
    bool IsStandIn => false;

    /// <summary>
    /// The channels this kind defines from configuration alone, through its own documented shortcut keys (e.g.
    /// <c>Upstreams:Gemini:ApiKeys</c> or <c>GEMINI_API_KEY</c>); most kinds have none and come only from the admin API.
    /// <paramref name="realChannels"/> is the number of channels the other kinds defined (0 when asked first).
    /// </summary>
    IReadOnlyList<ChannelDefinition> FromConfiguration(IConfiguration configuration, int realChannels) => [];

    /// <summary>
    /// Maps what this kind serves in process (the simulator's mount) when configuration enables it; most kinds serve
    /// nothing. Called once while the application's routes are mapped; <paramref name="realChannels"/> as above.
    /// </summary>
    void MapEndpoints(Microsoft.AspNetCore.Routing.IEndpointRouteBuilder routes, IConfiguration configuration, int realChannels)
    {
    }
}
