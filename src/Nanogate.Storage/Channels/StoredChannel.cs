namespace Nanogate.Storage.Channels;

/// <summary>An upstream channel added through the admin API.</summary>
public sealed record StoredChannel(string Name, string Kind, string BaseUrl, string ApiKey, int Priority, bool Enabled, long CreatedAt);
