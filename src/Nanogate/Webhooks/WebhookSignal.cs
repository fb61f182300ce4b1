using Nanogate.Storage.Changes;

namespace Nanogate.Webhooks;

/// <summary>
/// A wake-up hint for the webhook dispatcher after an outbox row commits, in this process or (through the
/// storage provider's <see cref="IChangeFeed"/>) in another one sharing the database; polling stays the fallback.
/// </summary>
internal sealed class WebhookSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);
    private readonly IDisposable _subscription;

    /// <summary>Creates the signal, woken also by <see cref="ChangeTopics.WebhooksDue"/>.</summary>
    public WebhookSignal(IChangeFeed changes) => _subscription = changes.Subscribe(ChangeTopics.WebhooksDue, _ => Notify());

    /// <summary>Wakes the dispatcher if it is waiting.</summary>
    public void Notify()
    {
        if (_signal.CurrentCount == 0)
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }
    }

    /// <summary>Waits for a notification or the timeout.</summary>
    public Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

    /// <inheritdoc />
    public void Dispose()
    {
        _subscription.Dispose();
        _signal.Dispose();
    }
}
