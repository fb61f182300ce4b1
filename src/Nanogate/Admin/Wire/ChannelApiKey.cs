namespace Nanogate.Admin.Wire;

/// <summary>One key of <c>api_keys</c> in its object form (a plain string is accepted as well).</summary>
/// <param name="Key">The API key.</param>
/// <param name="Project">The Google project the key belongs to (keys of one project share its rate limits).</param>
internal sealed record ChannelApiKey(string Key, string? Project = null);
