using System.Buffers;
using Nanogate.Upstreams.Channels;

namespace Nanogate.Upstreams.Gemini;

/// <summary>
/// The open 200 response of a generateContent call, read as it arrives: owns the HTTP response, the call's time limit
/// (not linked to the caller, so an answer can be read to its end after the caller left), the pooled buffer of the
/// first bytes and the cleanup of Files API uploads. Transport faults become <see cref="UpstreamException"/>s.
/// </summary>
internal sealed class GeminiBodySource(
    HttpResponseMessage response,
    Stream stream,
    CancellationTokenSource timeout,
    Func<Exception, bool, UpstreamFailure> describe,
    Func<Task>? cleanup) : IUpstreamBodySource
{
    private byte[]? _first;
    private int _disposed;

    /// <summary>The pooled buffer that holds the first bytes (returned on dispose).</summary>
    public byte[] RentFirst(int size) => _first = ArrayPool<byte>.Shared.Rent(size);

    /// <inheritdoc />
    public async ValueTask<int> ReadAsync(Memory<byte> destination, CancellationToken cancellationToken)
    {
        using var linked = cancellationToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, cancellationToken) : null;
        try
        {
            return await stream.ReadAsync(destination, linked?.Token ?? timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            throw new UpstreamException(describe(ex, timeout.IsCancellationRequested));
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await stream.DisposeAsync().ConfigureAwait(false);
        response.Dispose();
        timeout.Dispose();
        if (Interlocked.Exchange(ref _first, null) is { } first)
        {
            ArrayPool<byte>.Shared.Return(first);
        }

        if (cleanup is not null)
        {
            await cleanup().ConfigureAwait(false);
        }
    }
}
