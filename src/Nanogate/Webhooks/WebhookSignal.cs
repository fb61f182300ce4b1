namespace Nanogate.Webhooks;

/// <summary>A wake-up hint for the webhook dispatcher after an outbox row commits (polling stays the fallback).</summary>
public sealed class WebhookSignal : IDisposable
{
    private readonly SemaphoreSlim _signal = new(0, 1);

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
    public void Dispose() => _signal.Dispose();
}
