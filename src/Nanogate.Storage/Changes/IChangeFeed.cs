namespace Nanogate.Storage.Changes;

/// <summary>
/// Cross-process change notifications: a hint that something other processes may have cached or may be waiting
/// for has changed (a key revoked, a channel edited, new work queued). With SQLite (one process) it is an
/// in-process fan-out; with PostgreSQL it is <c>NOTIFY</c>/<c>LISTEN</c>, so every process sharing the database,
/// this one included, hears it within milliseconds of the commit.
/// </summary>
/// <remarks>
/// A notification is only a hint: it can be lost (a listener reconnecting, a process starting), so every consumer
/// keeps a fallback (cache expiry, polling). Publish only after the change is committed; a handler runs on a pool
/// thread, must be quick and must not throw.
/// </remarks>
public interface IChangeFeed
{
    /// <summary>
    /// Tells every process (this one included) that <paramref name="topic"/> changed; <paramref name="detail"/>
    /// (at most 200 characters, e.g. an id) narrows it, or null for "anything in that topic".
    /// </summary>
    ValueTask PublishAsync(string topic, string? detail, CancellationToken cancellationToken);

    /// <summary>Calls <paramref name="handler"/> with the detail of every change to <paramref name="topic"/> until disposed.</summary>
    IDisposable Subscribe(string topic, Action<string?> handler);
}
