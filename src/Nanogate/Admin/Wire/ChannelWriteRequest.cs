using System.Text.Json.Nodes;

namespace Nanogate.Admin.Wire;

/// <summary>
/// The body of <c>POST /admin/v1/channels</c> (name and kind required) and <c>PATCH /admin/v1/channels/{name}</c>
/// (only the fields given change; secrets are replaced only when given). Described for OpenAPI; read field by field.
/// </summary>
/// <param name="Name">Up to 64 letters, digits, '-' or '_' (create only).</param>
/// <param name="Kind">gemini, vertex, openai-images, task-relay or simulator.</param>
/// <param name="BaseUrl">An absolute http(s) URL; empty for the kind's default.</param>
/// <param name="ApiKey">One API key (empty removes the keys).</param>
/// <param name="ApiKeys">Several keys: strings or {key, project}.</param>
/// <param name="CredentialsJson">A Vertex service-account key file, as an object or its text.</param>
/// <param name="Priority">Lower is tried first.</param>
/// <param name="Weight">Share among channels of the same priority.</param>
/// <param name="MaxConcurrency">Calls at once.</param>
/// <param name="ModelMap">Catalog model id → the upstream's model name.</param>
/// <param name="TimeoutSeconds">Per-call time limit; null for the default.</param>
/// <param name="Enabled">Whether requests are routed to it.</param>
/// <param name="Settings">The kind's own settings, merged over the current ones.</param>
/// <param name="Project">Shorthand for settings.project.</param>
/// <param name="Location">Shorthand for settings.location.</param>
internal sealed record ChannelWriteRequest(
    string? Name = null,
    string? Kind = null,
    string? BaseUrl = null,
    string? ApiKey = null,
    IReadOnlyList<ChannelApiKey>? ApiKeys = null,
    JsonObject? CredentialsJson = null,
    int? Priority = null,
    int? Weight = null,
    int? MaxConcurrency = null,
    IReadOnlyDictionary<string, string>? ModelMap = null,
    double? TimeoutSeconds = null,
    bool? Enabled = null,
    JsonObject? Settings = null,
    string? Project = null,
    string? Location = null);
