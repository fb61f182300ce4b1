using Nanogate.Upstreams.Channels;
using Nanogate.Upstreams.Routing;

namespace Nanogate.Upstreams.TaskRelay;

/// <summary>A seed-shaped task platform (submit, poll, download), e.g. another Nanogate's task API.</summary>
internal sealed class TaskRelayChannelKind : IChannelKind
{
    public const string KindName = "task-relay";

    public string Name => KindName;

    public string Description => "A task platform: base_url, api_key (Bearer); POST /v1/images/generations → task_id, poll_url polled with backoff; settings {poll_interval_ms, max_poll_interval_ms, submit_path, poll_path}.";

    public bool NeedsCredentials => true;

    public IReadOnlyList<string> Validate(ChannelDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = new List<string>();
        if (definition.BaseUrl is null)
        {
            errors.Add("base_url is required: the platform's base, e.g. https://api.example.com.");
        }

        if (definition.Credentials.Keys.Count == 0)
        {
            errors.Add("api_key is required: sent as Authorization: Bearer.");
        }

        if (definition.NumberSetting("poll_interval_ms") is { } poll && poll is < 10 or > 60_000)
        {
            errors.Add("settings.poll_interval_ms must be between 10 and 60000.");
        }

        return errors;
    }

    public IUpstreamChannel Create(ChannelDefinition definition, ChannelContext context) => new TaskRelayChannel(definition, context);
}
