namespace Nanogate.Upstreams.Gemini;

/// <summary>
/// What an open stream holds on to: the HTTP response and the call's timeout source, released together, and
/// what to clean up after it (the Files API uploads the request referenced).
/// </summary>
internal sealed class GeminiStreamOwner(HttpResponseMessage response, CancellationTokenSource timeout, Func<Task>? cleanup = null) : IAsyncDisposable
{
    private int _disposed;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            response.Dispose();
            timeout.Dispose();
            if (cleanup is not null)
            {
                await cleanup().ConfigureAwait(false);
            }
        }
    }
}
