using System.Text.Json.Nodes;

namespace Nanogate.Admin.Wire;

/// <summary>A channel as the admin API shows it: its definition (credentials masked) and its live health.</summary>
/// <param name="Name">The channel's unique name.</param>
/// <param name="Kind">gemini, vertex, openai-images, task-relay or simulator.</param>
/// <param name="Source"><c>admin</c> (added here) or <c>configuration</c>.</param>
/// <param name="BaseUrl">The upstream's base URL, or null for the kind's default.</param>
/// <param name="Priority">Lower is tried first.</param>
/// <param name="Weight">Share among channels of the same priority.</param>
/// <param name="MaxConcurrency">Calls at once (0: the kind's default).</param>
/// <param name="ModelMap">Catalog model id → the upstream's model name.</param>
/// <param name="TimeoutSeconds">Per-call time limit, or null for Upstreams:TimeoutSeconds.</param>
/// <param name="Settings">The kind's own settings (project, location, …).</param>
/// <param name="Credentials">A masked hint of the credentials; never the secret.</param>
/// <param name="Enabled">Whether requests are routed to it.</param>
/// <param name="Health">healthy, degraded, cooling_down, probing, circuit_open or disabled.</param>
/// <param name="Breaker">The circuit breaker.</param>
/// <param name="CoolingUntil">Rested after a rate limit until then, or null.</param>
/// <param name="ProjectCooldowns">Gemini projects resting after a rate limit, and until when.</param>
/// <param name="InFlight">Calls running now.</param>
/// <param name="Recent">Calls in the last minute.</param>
/// <param name="Totals">Since the process started.</param>
internal sealed record ChannelView(
    string Name,
    string Kind,
    string Source,
    string? BaseUrl,
    int Priority,
    int Weight,
    int MaxConcurrency,
    IReadOnlyDictionary<string, string> ModelMap,
    double? TimeoutSeconds,
    JsonObject Settings,
    string Credentials,
    bool Enabled,
    string Health,
    ChannelBreakerView Breaker,
    DateTimeOffset? CoolingUntil,
    IReadOnlyDictionary<string, DateTimeOffset> ProjectCooldowns,
    int InFlight,
    ChannelRecentView Recent,
    ChannelTotalsView Totals);
