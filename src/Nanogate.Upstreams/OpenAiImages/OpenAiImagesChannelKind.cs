using Nanogate.Upstreams.Channels;
using Nanogate.Upstreams.Routing;

namespace Nanogate.Upstreams.OpenAiImages;

/// <summary>Another platform's OpenAI Images API (generations and edits), e.g. a second Nanogate's <c>/openai</c>.</summary>
internal sealed class OpenAiImagesChannelKind : IChannelKind
{
    public const string KindName = "openai-images";

    public string Name => KindName;

    public string Description => "An OpenAI Images API: base_url (…/v1/images/* is appended), api_key (Bearer); settings {response_format: b64_json|url, extra_fields}.";

    public bool NeedsCredentials => true;

    public IReadOnlyList<string> Validate(ChannelDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = new List<string>();
        if (definition.BaseUrl is null)
        {
            errors.Add("base_url is required: the platform's base, e.g. https://api.example.com (\"/v1/images/generations\" is appended).");
        }

        if (definition.Credentials.Keys.Count == 0)
        {
            errors.Add("api_key is required: sent as Authorization: Bearer.");
        }

        if (definition.Setting("response_format") is { } format && format is not ("b64_json" or "url"))
        {
            errors.Add("settings.response_format must be \"b64_json\" or \"url\".");
        }

        return errors;
    }

    public IUpstreamChannel Create(ChannelDefinition definition, ChannelContext context) => new OpenAiImagesChannel(definition, context);
}
