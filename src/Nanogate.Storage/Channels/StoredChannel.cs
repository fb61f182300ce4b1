namespace Nanogate.Storage.Channels;

/// <summary>An upstream channel added through the admin API.</summary>
/// <param name="Name">Unique among stored channels (case-sensitive).</param>
/// <param name="Kind">The channel kind's name (the upstream layer owns the list; storage does not check it).</param>
/// <param name="BaseUrl">The upstream's base URL.</param>
/// <param name="ApiKey">The credentials exactly as the web layer hands them over (it encrypts them first); storage never interprets them.</param>
/// <param name="Priority">Lower goes first.</param>
/// <param name="Enabled">Whether the router may use it.</param>
/// <param name="CreatedAt">Unix milliseconds.</param>
/// <param name="Settings">The kind's and the router's further settings as one JSON object (weight, caps, model map, …), or null.</param>
public sealed record StoredChannel(string Name, string Kind, string BaseUrl, string ApiKey, int Priority, bool Enabled, long CreatedAt, string? Settings = null);
