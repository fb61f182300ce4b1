using System.Collections.Immutable;

namespace Nanogate.Storage.Changes;

/// <summary>The change feed of a single process (SQLite): publishing calls the subscribers of this process directly.</summary>
public sealed class InProcessChangeFeed : IChangeFeed
{
    private readonly Lock _gate = new();
    private ImmutableDictionary<string, ImmutableList<Action<string?>>> _handlers = ImmutableDictionary<string, ImmutableList<Action<string?>>>.Empty;

    /// <inheritdoc />
    public ValueTask PublishAsync(string topic, string? detail, CancellationToken cancellationToken)
    {
        Dispatch(topic, detail);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public IDisposable Subscribe(string topic, Action<string?> handler)
    {
        lock (_gate)
        {
            _handlers = _handlers.SetItem(topic, _handlers.GetValueOrDefault(topic, []).Add(handler));
        }

        return new Subscription(this, topic, handler);
    }

    /// <summary>Calls the subscribers of <paramref name="topic"/> (also used by providers that receive changes from elsewhere).</summary>
    public void Dispatch(string topic, string? detail)
    {
        if (!_handlers.TryGetValue(topic, out var handlers))
        {
            return;
        }

        foreach (var handler in handlers)
        {
            handler(detail);
        }
    }

    private void Unsubscribe(string topic, Action<string?> handler)
    {
        lock (_gate)
        {
            if (_handlers.TryGetValue(topic, out var list))
            {
                _handlers = _handlers.SetItem(topic, list.Remove(handler));
            }
        }
    }

    private sealed class Subscription(InProcessChangeFeed feed, string topic, Action<string?> handler) : IDisposable
    {
        public void Dispose() => feed.Unsubscribe(topic, handler);
    }
}
