namespace Nanogate.Storage.Channels;

/// <summary>
/// Upstream channels added through the admin API, so they survive a restart (channels from configuration are
/// never stored). A channel is identified by its <see cref="StoredChannel.Name"/>, unique (case-sensitive) among
/// stored channels. Expected outcomes (a taken or an unknown name) are return values, never provider exceptions.
/// </summary>
public interface IChannelStore
{
    /// <summary>All stored channels, by priority then name.</summary>
    Task<IReadOnlyList<StoredChannel>> ListAsync(CancellationToken cancellationToken);

    /// <summary>Stores a channel; false, changing nothing, when a stored channel already has its name.</summary>
    Task<bool> AddAsync(StoredChannel channel, CancellationToken cancellationToken);

    /// <summary>Replaces every field of the stored channel named <paramref name="channel"/>.Name but its creation time; false when there is none by that name.</summary>
    Task<bool> UpdateAsync(StoredChannel channel, CancellationToken cancellationToken);

    /// <summary>Deletes a stored channel; false when there is none by that name.</summary>
    Task<bool> RemoveAsync(string name, CancellationToken cancellationToken);

    /// <summary>Records a stored channel's enabled flag; false when there is none by that name (e.g. one from configuration).</summary>
    Task<bool> SetEnabledAsync(string name, bool enabled, CancellationToken cancellationToken);
}
