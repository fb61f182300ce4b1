using Microsoft.Extensions.Configuration;
using Nanogate.Upstreams.Channels;
using Nanogate.Upstreams.Routing;

namespace Nanogate.Upstreams.Gemini;

/// <summary>Google AI's Gemini API (or anything speaking it): a pool of API keys, each tagged with its Google project.</summary>
internal sealed class GeminiChannelKind : IChannelKind
{
    /// <summary>Google's public endpoint.</summary>
    public static readonly Uri DefaultBaseUrl = new("https://generativelanguage.googleapis.com");

    public string Name => "gemini";

    public string Description => "Google AI Gemini API: api_key or api_keys (each optionally {\"key\",\"project\"}); base_url defaults to generativelanguage.googleapis.com.";

    public bool NeedsCredentials => true;

    public IReadOnlyList<string> Validate(ChannelDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return definition.Credentials.Keys.Count == 0
            ? ["api_key (or api_keys) is required: the Google API key(s) this channel sends upstream."]
            : [];
    }

    /// <summary>
    /// One channel per Google key of configuration (<c>Upstreams:Gemini:ApiKeys</c>: a comma-separated string or an
    /// array; else the environment's <c>GEMINI_API_KEY</c>), named gemini-1, gemini-2, … in that order of priority,
    /// at <c>Upstreams:Gemini:BaseUrl</c>.
    /// </summary>
    public IReadOnlyList<ChannelDefinition> FromConfiguration(IConfiguration configuration, int realChannels)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("Upstreams:Gemini:ApiKeys");
        var keys = section.Value is { } single
            ? single.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : section.GetChildren().Select(c => c.Value ?? "").Where(v => v.Length > 0).ToArray();
        if (keys.Length == 0 && configuration["GEMINI_API_KEY"] is { Length: > 0 } env)
        {
            keys = [env.Trim()];
        }

        var baseUrl = configuration["Upstreams:Gemini:BaseUrl"] is { Length: > 0 } configured ? new Uri(configured) : DefaultBaseUrl;
        return [.. keys.Select((key, i) => new ChannelDefinition
        {
            Name = $"gemini-{i + 1}",
            Kind = Name,
            BaseUrl = baseUrl,
            Credentials = new ChannelCredentials([new ChannelKey(key)]),
            Priority = 10 + i,
        })];
    }

    public IUpstreamChannel Create(ChannelDefinition definition, ChannelContext context)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(context);
        var baseUrl = definition.BaseUrl ?? DefaultBaseUrl;
        return new GeminiChannel(
            definition.Name,
            Name,
            new GoogleAiEndpoint(() => baseUrl, new GeminiKeyPool(definition.Credentials.Keys, context.Time)),
            context.TimeoutOf(definition),
            context.ConnectTimeout,
            context.Loggers.CreateLogger("Nanogate.Upstreams.Gemini"),
            time: context.Time);
    }
}
