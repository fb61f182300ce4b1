namespace Nanogate.Upstreams.Gemini;

/// <summary>What an open stream holds on to: the HTTP response and the call's timeout source, released together.</summary>
internal sealed class GeminiStreamOwner(HttpResponseMessage response, CancellationTokenSource timeout) : IAsyncDisposable
{
    private int _disposed;

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            response.Dispose();
            timeout.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
