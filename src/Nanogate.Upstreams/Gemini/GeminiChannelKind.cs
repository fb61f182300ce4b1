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
