using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;

namespace Nanogate.Upstreams.Routing;

/// <summary>The registered channel kinds, by name: the one list the admin API, configuration and stored channels consult.</summary>
public sealed class ChannelKinds(IEnumerable<IChannelKind> kinds)
{
    private readonly IReadOnlyList<IChannelKind> _ordered = [.. kinds];
    private readonly Dictionary<string, IChannelKind> _kinds = kinds.ToDictionary(k => k.Name, StringComparer.Ordinal);

    /// <summary>The kind of a channel added without one: the first registered (Google's Gemini API).</summary>
    public string Default => _ordered[0].Name;

    /// <summary>Every kind.</summary>
    public IReadOnlyCollection<IChannelKind> All => _kinds.Values;

    /// <summary>The kind called <paramref name="name"/>, or null.</summary>
    public IChannelKind? Find(string name) => _kinds.GetValueOrDefault(name);

    /// <summary>The problems of a definition (unknown kind, the kind's own checks, routing numbers), each naming its field.</summary>
    public IReadOnlyList<string> Validate(ChannelDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        if (Find(definition.Kind) is not { } kind)
        {
            return [$"kind must be one of {string.Join(", ", _kinds.Keys.Order(StringComparer.Ordinal).Select(k => $"\"{k}\""))}, not \"{definition.Kind}\"."];
        }

        var errors = new List<string>(kind.Validate(definition));
        if (definition.Weight is < 1 or > 10_000)
        {
            errors.Add("weight must be between 1 and 10000.");
        }

        if (definition.MaxConcurrency is < 0 or > 100_000)
        {
            errors.Add("max_concurrency must be between 0 (no cap) and 100000.");
        }

        if (definition.TimeoutSeconds is < 0.1 or > 3600)
        {
            errors.Add("timeout_seconds must be between 0.1 and 3600.");
        }

        if (definition.Priority is < 0 or > 1_000_000)
        {
            errors.Add("priority must be between 0 and 1000000 (lower goes first).");
        }

        return errors;
    }

    /// <summary>
    /// Every channel that configuration defines through the kinds' own shortcut keys: the real kinds' first, then the
    /// stand-ins' (the simulator), which are told how many real channels there were.
    /// </summary>
    public IReadOnlyList<ChannelDefinition> FromConfiguration(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var real = _ordered.Where(k => !k.IsStandIn).SelectMany(k => k.FromConfiguration(configuration, 0)).ToList();
        var standIns = _ordered.Where(k => k.IsStandIn).SelectMany(k => k.FromConfiguration(configuration, real.Count));
        return [.. real, .. standIns];
    }

    /// <summary>Maps what each kind serves in process when configuration enables it (<see cref="IChannelKind.MapEndpoints"/>).</summary>
    public void MapEndpoints(IEndpointRouteBuilder routes, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var real = _ordered.Where(k => !k.IsStandIn).Sum(k => k.FromConfiguration(configuration, 0).Count);
        foreach (var kind in _ordered)
        {
            kind.MapEndpoints(routes, configuration, real);
        }
    }

    /// <summary>Makes the routed channel of a valid definition.</summary>
    /// <exception cref="ArgumentException">The definition is not valid.</exception>
    public RoutedChannel Create(ChannelDefinition definition, ChannelContext context, RouterOptions options, bool stored)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = Validate(definition);
        if (errors.Count > 0)
        {
            throw new ArgumentException($"Channel '{definition.Name}': {string.Join(" ", errors)}", nameof(definition));
        }

        var channel = _kinds[definition.Kind].Create(definition, context);
        return new RoutedChannel(channel, definition, options, context.Time) { Stored = stored };
    }
}
